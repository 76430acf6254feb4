import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { hydrated, signIn } from "./helpers";

const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

test("the sign-in page has no WCAG 2.2 AA violations", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  const result = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(result.violations).toEqual([]);
});

test("the partner list has no WCAG 2.2 AA violations", async ({ page }) => {
  await signIn(page, "cam@acme.example");
  await page.goto("/partners");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Northwind MSP" })).toBeVisible();
  const result = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(result.violations).toEqual([]);
});

test("the job queue page has no WCAG 2.2 AA violations", async ({ page }) => {
  await signIn(page, "admin@acme.example");
  await page.goto("/admin/jobs");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Background jobs" })).toBeVisible();
  // Other tests leave work queued (a campaign's later emails), so any count will do.
  await expect(page.getByRole("img", { name: /Queued \d+/ })).toBeVisible();
  const result = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(result.violations).toEqual([]);
});

// The home dashboard differs by role; each has its own cards and charts.
for (const [role, email, card] of [
  ["sales rep", "sam@northwind.example", "home-deals"],
  ["partner admin", "nina@northwind.example", "home-team"],
  ["partner marketer", "mo@contoso.example", "my-tasks"],
  ["channel manager", "cam@acme.example", "home-queue"],
  ["vendor admin", "admin@acme.example", "home-programme"],
  ["vendor marketer", "marketing@acme.example", "my-tasks"],
] as const) {
  test(`the home page of a ${role} has no WCAG 2.2 AA violations`, async ({ page }) => {
    await signIn(page, email);
    await page.goto("/");
    await hydrated(page);
    await expect(page.getByTestId(card)).toBeVisible();
    const result = await new AxeBuilder({ page }).withTags(tags).analyze();
    expect(result.violations).toEqual([]);
  });
}
