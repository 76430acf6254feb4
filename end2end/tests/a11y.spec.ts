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
