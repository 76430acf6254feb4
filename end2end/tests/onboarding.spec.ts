import { test, expect } from "@playwright/test";
import { hydrated, signIn, signOut, markWindow, expectNoReload } from "./helpers";

test("a vendor admin creates a partner, invites its admin, who joins and invites a colleague", async ({ page }, info) => {
  const stamp = `${info.project.name}-${Date.now()}`;
  const orgName = `Fabrikam ${stamp}`;
  const adminEmail = `pa-${stamp}@fabrikam.example`;
  const newPassword = "a long and private passphrase";

  // 1. The vendor admin signs in and creates a partner organisation.
  await signIn(page, "admin@acme.example");
  await page.goto("/partners");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Partners", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New partner" }).click();
  await expect(page.getByRole("heading", { name: "New partner" })).toBeVisible();
  await markWindow(page);

  // Server-side validation answers per field and keeps what was typed.
  await page.getByLabel("Organisation name *").fill(orgName);
  await page.getByLabel("Website").fill("not a url");
  await page.getByRole("button", { name: "Create partner" }).click();
  await expect(page.getByText("Choose at least one.")).toBeVisible();
  await expect(page.getByText("Enter a web address like https://example.com.")).toBeVisible();
  await expect(page.getByLabel("Organisation name *")).toHaveValue(orgName);
  await expectNoReload(page);

  await page.getByLabel("MSP").check();
  await page.getByLabel("Tier *").selectOption("gold");
  await page.getByLabel("Website").fill("fabrikam.example");
  await page.getByRole("button", { name: "Create partner" }).click();
  await expect(page.getByRole("heading", { name: orgName, level: 1 })).toBeVisible();
  await expectNoReload(page);

  // 2. They invite its admin; the link is read from the outbox.
  await page.getByLabel("Email *").fill(adminEmail);
  await page.getByLabel("Name *").fill("Fran Admin");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${adminEmail}.`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: adminEmail })).toBeVisible();

  await page.goto("/admin/outbox");
  const message = page.getByTestId("outbox-message").filter({ hasText: adminEmail }).first();
  await expect(message).toBeVisible();
  const body = (await message.getByTestId("outbox-body").textContent()) ?? "";
  const link = body.match(/https?:\/\/\S+\/invite\/\S+/)?.[0];
  expect(link, "invitation link in the outbox").toBeTruthy();
  // Shown as text in the page's own font, its address a link.
  await expect(message.getByRole("link", { name: link! })).toHaveAttribute("href", link!);
  await signOut(page);

  // 3. The partner admin accepts, signs in, sees their own org and not the others.
  await page.goto(new URL(link!).pathname);
  await hydrated(page);
  await expect(page.getByText(`You were invited to ${orgName}`)).toBeVisible();
  await page.getByLabel("New password *").fill(newPassword);
  await page.getByLabel("Repeat the password *").fill(newPassword);
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/login\?accepted=1/);
  await expect(page.getByText("Your account is ready.")).toBeVisible();
  await signIn(page, adminEmail, newPassword);
  await expect(page.getByTestId("who")).toContainText(orgName);

  await page.goto("/org");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: orgName, level: 1 })).toBeVisible();
  await expect(page.getByText("Gold")).toBeVisible();

  const other = await page.goto("/partners/contoso-reseller");
  expect(other?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByText("Carla")).toHaveCount(0);
  const list = await page.goto("/partners");
  expect(list?.status()).toBe(403);

  // …and invites a colleague.
  await page.goto("/org");
  await hydrated(page);
  await page.getByLabel("Email *").fill(`colleague-${stamp}@fabrikam.example`);
  await page.getByLabel("Name *").fill("Cole League");
  await page.getByLabel("Role *").selectOption("sales");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to colleague-${stamp}@fabrikam.example.`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Cole League" })).toBeVisible();
});

test("navigation works on this viewport and shows who is signed in", async ({ page }, info) => {
  await signIn(page, "cam@acme.example");
  if (info.project.name === "phone") {
    await expect(page.locator(".nav-desktop")).toBeHidden();
    await page.getByText("☰").click();
    await page.getByRole("navigation", { name: "Main (menu)" }).getByRole("link", { name: "Partners" }).click();
  } else {
    await expect(page.getByTestId("who")).toContainText("Casey Manager · Acme Cloud");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Partners" }).click();
  }
  await expect(page).toHaveURL(/\/partners$/);
  await expect(page.getByRole("link", { name: "Northwind MSP" })).toBeVisible();
  // Filtering by tier narrows the list.
  await page.getByLabel("Tier").selectOption("silver");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/tier=silver/);
  await expect(page.getByRole("link", { name: "Contoso Reseller" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Northwind MSP" })).toHaveCount(0);
});
