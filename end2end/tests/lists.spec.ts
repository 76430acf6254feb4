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
