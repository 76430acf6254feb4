import { test, expect } from "@playwright/test";
import { hydrated, signIn, markWindow, expectNoReload } from "./helpers";

// Lists are paged on the server: the pager's links move through the pages in place, and
// the sort survives them. `size` in the address makes pages of the demo data.
test("the partner list pages forward and back, sorted on the server, without a reload", async ({ page }) => {
  await signIn(page, "cam@acme.example");
  await page.goto("/partners?sort=name&size=2");
  await hydrated(page);
  await markWindow(page);
  const names = () => page.locator("tbody tr td:first-child").allInnerTexts();
  const first = await names();
  expect(first).toHaveLength(2);
  await expect(page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Previous" })).toHaveCount(0);

  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/after=/);
  await expect.poll(names).not.toEqual(first);
  const second = await names();
  expect(second).toHaveLength(2);
  // Each page continues the order of the one before.
  const all = [...first, ...second];
  expect([...all].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))).toEqual(all);

  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Previous" }).click();
  await expect(page).toHaveURL(/before=/);
  await expect.poll(names).toEqual(first);
  await expectNoReload(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);

  // A spoiled page link says so and leads back to the first page.
  await page.goto("/partners?after=not-a-cursor");
  await expect(page.getByRole("alert")).toContainText("This page link is not valid any more.");
  await page.getByRole("alert").getByRole("link", { name: "First page" }).click();
  await expect(page).toHaveURL(/\/partners$/);
  await expect(page.getByRole("link", { name: "Northwind MSP" })).toBeVisible();
});

// The rows of a paged table are written as markup and the header's links are plain anchors:
// both are still followed in place by the router, and the header marks the page one is on.
test("a row's link opens its record in place, and the header marks the current page", async ({ page }, info) => {
  await signIn(page, "cam@acme.example");
  await page.goto("/partners");
  await hydrated(page);
  await markWindow(page);
  const nav = (href: string) => page.locator(`.app-header a[href="${href}"]`).first();
  await expect(nav("/partners")).toHaveAttribute("aria-current", "page");
  await expect(nav("/deals")).not.toHaveAttribute("aria-current", /.*/);
  await expect(nav("/")).not.toHaveAttribute("aria-current", /.*/);

  await page.locator("tbody").getByRole("link", { name: "Northwind MSP" }).click();
  await expect(page).toHaveURL(/\/partners\/northwind-msp$/);
  await expect(page.locator("main h1").first()).toContainText("Northwind MSP");
  // A record's page is under its list: the list's link stays marked.
  await expect(nav("/partners")).toHaveAttribute("aria-current", "page");

  if (info.project.name === "phone") await page.locator("details.nav-phone summary").click();
  await page.locator('.app-header a[href="/deals"]:visible').first().click();
  await expect(page).toHaveURL(/\/deals$/);
  await expect(nav("/deals")).toHaveAttribute("aria-current", "page");
  await expect(nav("/partners")).not.toHaveAttribute("aria-current", /.*/);
  const first = page.locator("tbody tr").first().getByRole("link");
  const company = (await first.innerText()).trim();
  expect(company.length).toBeGreaterThan(0);
  // Each cell carries its column's name for the card it becomes on a phone.
  await expect(page.locator("tbody tr").first().locator("td").first()).toHaveAttribute("data-label", "Company");
  await first.click();
  await expect(page).toHaveURL(/\/deals\/\d+$/);
  await expect(page.locator("main h1").first()).toContainText(company);
  await expectNoReload(page);
});
