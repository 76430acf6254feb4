import { expect, Page } from "@playwright/test";

export const PASSWORD = "trellis-demo-2026";

/** Waits until the WASM app has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await hydrated(page);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1/);
}

/** Marks the window; a full reload would lose the mark. */
export async function markWindow(page: Page) {
  await page.evaluate(() => ((window as any).__noReload = true));
}

export async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => (window as any).__noReload === true)).toBe(true);
}
