import { test, expect } from "@playwright/test";
import { PASSWORD } from "./helpers";

test("the sign-in form works without JavaScript", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@acme.example");
  await page.getByLabel("Password").fill("wrong password!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("The email or password is not correct.");
  await expect(page.getByLabel("Email")).toHaveValue("admin@acme.example");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, Alex Admin" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
});
