import { test, expect } from "@playwright/test";
import { hydrated, signIn, markWindow, expectNoReload } from "./helpers";

test("the home page's first card lists what waits on me and leads to it", async ({ page }) => {
  await signIn(page, "cam@acme.example");
  await page.goto("/");
  await hydrated(page);
  const card = page.getByTestId("my-tasks");
  await expect(card.getByRole("heading", { name: "My open tasks" })).toBeVisible();
  // The demo data has registrations waiting for a decision.
  const decide = card.getByTestId("task-deal").first();
  await expect(decide).toContainText("Decide");
  await markWindow(page);
  await decide.getByRole("link", { name: "Decide" }).click();
  await expect(page).toHaveURL(/\/deals\/\d+\/review$/);
  await expectNoReload(page);
});

test("a partner with nothing waiting is told so", async ({ page }) => {
  await signIn(page, "carla@contoso.example");
  await page.goto("/");
  await hydrated(page);
  const card = page.getByTestId("my-tasks");
  await expect(card).toBeVisible();
  const box = await card.boundingBox();
  expect(box && box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
});
