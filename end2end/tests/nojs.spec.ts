import { test, expect, Page } from "@playwright/test";
import { PASSWORD } from "./helpers";

// Runs in the "no-js" project: JavaScript is off, so every form here is a plain HTML form
// posting to its server function, answered with a redirect (the same forms work before
// the WASM has loaded). A failed post comes back to its page with the error at the field
// and what was typed kept.

async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1/);
}

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
  await signOut(page);
  await expect(page.getByText("You are signed out.")).toBeVisible();
});

test("a deal is registered, discussed and decided without JavaScript", async ({ page }) => {
  const company = `Nojs Dynamics ${Date.now()}`;
  await signIn(page, "sam@northwind.example");
  await page.goto("/deals/new");
  await page.getByLabel("Company *").fill(company);
  await page.getByLabel("Website or domain").fill(`nojs-${Date.now()}.example`);
  await page.getByLabel("Country *").selectOption("AT");
  await page.getByLabel("Contact name *").fill("Dana Buyer");
  await page.getByLabel("Estimated value *").fill("12,500");
  await page.getByLabel("Expected close *").fill("2099-06-30");
  // Products left out: the registration is kept as a draft and the error shown at the field.
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page).toHaveURL(/\/deals\/\d+\/edit\?/);
  await expect(page.getByRole("alert")).toContainText("Please correct the highlighted fields.");
  await expect(page.locator("#f-products-err")).not.toBeEmpty();
  await expect(page.getByLabel("Company *")).toHaveValue(company);
  await expect(page.getByLabel("Country *")).toHaveValue("AT");
  await page.getByLabel("Products *").fill("Acme Cloud Enterprise");
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page).toHaveURL(/\/deals\/\d+$/);
  await expect(page.getByTestId("deal-status")).toHaveText("Submitted");
  const dealPath = new URL(page.url()).pathname;
  // Country shown by its name.
  await expect(page.getByText("Austria")).toBeVisible();

  // A message: empty is refused at the field, then sent.
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page).toHaveURL(/nojs=/);
  await expect(page.locator("#f-body-err")).not.toBeEmpty();
  await page.getByLabel("Message").fill("Their budget is approved for Q3.");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator(".timeline")).toContainText("Their budget is approved for Q3.");
  await signOut(page);

  // The channel manager decides: a rejection needs a reason, kept choice and all.
  await signIn(page, "cam@acme.example");
  await page.goto(`${dealPath}/review`);
  await page.getByLabel("Reject").check();
  await page.getByRole("button", { name: "Record decision" }).click();
  await expect(page).toHaveURL(/nojs=/);
  await expect(page.getByLabel("Reject")).toBeChecked();
  await expect(page.locator("#f-reason-err")).not.toBeEmpty();
  await page.getByLabel("Approve and protect").check();
  await page.getByRole("button", { name: "Record decision" }).click();
  // On to the next registration in the queue, or back to this one.
  await expect(page).toHaveURL(/\/deals\/\d+(\/review)?$/);
  await page.goto(dealPath);
  await expect(page.getByTestId("deal-status")).toHaveText("Approved");
});

test("settings, notifications, favourites and sorting work without JavaScript", async ({ page }) => {
  await signIn(page, "sam@northwind.example");
  // Language.
  await page.goto("/settings");
  await page.getByLabel("Language").selectOption("de");
  await page.getByRole("button", { name: "Save" }).first().click();
  await expect(page.getByRole("heading", { name: "Einstellungen" })).toBeVisible();
  await page.getByLabel("Sprache").selectOption("en");
  await page.getByRole("button", { name: "Speichern" }).first().click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();

  // Mark all as read.
  await page.goto("/notifications");
  await page.getByRole("button", { name: "Mark all as read" }).click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.locator(".notification.unread")).toHaveCount(0);

  // Favourites: the star is a form.
  await page.goto("/content");
  const star = page.getByTestId("favorite").first();
  const before = await star.getAttribute("aria-pressed");
  await star.click();
  await expect(page).toHaveURL(/\/content/);
  await expect(page.getByTestId("favorite").first()).toHaveAttribute("aria-pressed", before === "true" ? "false" : "true");
  await page.getByTestId("favorite").first().click();
  await expect(page.getByTestId("favorite").first()).toHaveAttribute("aria-pressed", before ?? "false");

  // Sort headers are links; the server sorts and pages.
  await page.goto("/deals");
  await page.getByRole("link", { name: /^Company/ }).click();
  await expect(page).toHaveURL(/sort=company$/);
  const names = await page.locator("tbody tr td:first-child").allInnerTexts();
  expect(names.length).toBeGreaterThan(1);
  expect([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))).toEqual(names);
  await page.getByRole("link", { name: /^Company/ }).click();
  await expect(page).toHaveURL(/sort=company&dir=d$/);
  const desc = await page.locator("tbody tr td:first-child").allInnerTexts();
  expect(desc).toEqual([...names].reverse());
});

test("an invitation is accepted and a password reset asked for without JavaScript", async ({ page }) => {
  const email = `nojs-${Date.now()}@northwind.example`;
  // The partner admin invites (through the server function, as the app would).
  await signIn(page, "nina@northwind.example");
  const res = await page.request.post("/api/invite_member", {
    form: { "input[org_slug]": "northwind-msp", "input[email]": email, "input[name]": "Noa Jones", "input[role]": "sales" },
  });
  expect(res.ok()).toBeTruthy();
  await signOut(page);
  await signIn(page, "admin@acme.example");
  await page.goto("/admin/outbox");
  const body = (await page.getByTestId("outbox-message").filter({ hasText: email }).first().getByTestId("outbox-body").textContent()) ?? "";
  const link = body.match(/https?:\/\/\S+\/invite\/\S+/)?.[0];
  expect(link).toBeTruthy();
  await signOut(page);

  await page.goto(new URL(link!).pathname);
  await page.getByLabel("Name *").fill("Noa J. Jones");
  await page.getByLabel("New password *").fill("a long enough secret 1");
  await page.getByLabel("Repeat the password *").fill("a different secret 2");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/nojs=/);
  await expect(page.locator("#f-password_confirm-err")).not.toBeEmpty();
  await expect(page.getByLabel("Name *")).toHaveValue("Noa J. Jones");
  // Passwords never travel back in the address.
  expect(page.url()).not.toContain("secret");
  await page.getByLabel("New password *").fill("a long enough secret 1");
  await page.getByLabel("Repeat the password *").fill("a long enough secret 1");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/login\?accepted=1/);
  await expect(page.getByLabel("Email")).toHaveValue(email);

  await page.goto("/forgot");
  await page.getByLabel("Email *").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page).toHaveURL(/\/forgot\?sent=1/);
  await expect(page.getByText("If an account exists for this address")).toBeVisible();
});
