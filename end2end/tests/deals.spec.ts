import { test, expect } from "@playwright/test";
import { hydrated, signIn, signOut } from "./helpers";

async function register(page: import("@playwright/test").Page, company: string, domain: string) {
  await page.goto("/deals/new");
  await hydrated(page);
  await page.getByLabel("Company *").fill(company);
  await page.getByLabel("Website or domain").fill(domain);
  await page.getByLabel("Country *").fill("DE");
  await page.getByLabel("Contact name *").fill("Dana Buyer");
  await page.getByLabel("Products *").fill("Acme Cloud Enterprise");
  await page.getByLabel("Estimated value *").fill("48,000.00");
  await page.getByLabel("Expected close *").fill("2099-06-30");
}

test("a conflicting registration is flagged to the partner, explained to the channel manager, and decided", async ({ page }, info) => {
  const customer = `Oscorp ${info.project.name} ${Date.now()}`;
  const domain = `oscorp-${info.project.name}-${Date.now()}.example`;

  // Northwind registers the customer first.
  await signIn(page, "sam@northwind.example");
  await register(page, `${customer} GmbH`, domain);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("deal-status")).toHaveText("Submitted");
  await signOut(page);

  // 1. Contoso registers the same customer, written differently: a redacted warning.
  await signIn(page, "carla@contoso.example");
  // Carla is a partner admin and may register.
  await register(page, customer.toUpperCase(), `https://www.${domain}`);
  await expect(page.getByTestId("conflict-warning")).toContainText("may already be registered");
  await expect(page.getByText("Northwind")).toHaveCount(0);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("deal-status")).toHaveText("Submitted");
  const dealUrl = page.url();
  await signOut(page);

  // 2. The channel manager sees both records with the reasons and decides.
  await signIn(page, "cam@acme.example");
  await page.goto(dealUrl + "/review");
  await hydrated(page);
  const match = page.getByTestId("match").first();
  await expect(match).toContainText("Northwind MSP");
  await expect(match).toContainText("equal after normalising www. and subdomain");
  await expect(page.getByRole("heading", { name: /Recommended: reject/ })).toBeVisible();
  await page.getByRole("radio", { name: "Reject" }).check();
  await page.getByLabel("Reason or question for the partner").fill("Northwind registered this customer first.");
  await page.getByRole("button", { name: "Record decision" }).click();
  await expect(page.getByTestId("deal-status")).toHaveText("Rejected");
  await signOut(page);

  // 3. The partner sees the outcome on the timeline.
  await signIn(page, "carla@contoso.example");
  await page.goto(dealUrl);
  await hydrated(page);
  await expect(page.getByTestId("deal-status")).toHaveText("Rejected");
  await expect(page.getByText("Northwind registered this customer first.").first()).toBeVisible();
  await expect(page.locator(".timeline")).toContainText("Status: Rejected");
});
