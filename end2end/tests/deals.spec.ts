import { test, expect } from "@playwright/test";
import { hydrated, signIn, signOut } from "./helpers";

async function register(page: import("@playwright/test").Page, company: string, domain: string) {
  await page.goto("/deals/new");
  await hydrated(page);
  await page.getByLabel("Company *").fill(company);
  await page.getByLabel("Website or domain").fill(domain);
  await page.getByLabel("Country *").selectOption("DE");
  await page.getByLabel("Contact name *").fill("Dana Buyer");
  await page.getByLabel("Products *").fill("Acme Cloud Enterprise");
  // Money opens the numeric keyboard on a phone.
  await expect(page.getByLabel("Estimated value *")).toHaveAttribute("inputmode", "decimal");
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
  await page.getByLabel("Notes").fill("Met their CTO at the fair; budget approved.");
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("deal-status")).toHaveText("Submitted");
  // Everything the partner entered stays visible after submission.
  await expect(page.getByTestId("deal-notes")).toHaveText("Met their CTO at the fair; budget approved.");
  const dealUrl = page.url();
  await signOut(page);

  // 2. The channel manager sees both records with the reasons and decides.
  await signIn(page, "cam@acme.example");
  await page.goto(dealUrl + "/review");
  await hydrated(page);
  // Looking changes nothing; taking it into review is a button of its own.
  await page.getByRole("button", { name: "Start review" }).click();
  await expect(page.getByRole("button", { name: "Start review" })).toHaveCount(0);
  await expect(page.getByTestId("deal-notes")).toHaveText("Met their CTO at the fair; budget approved.");
  const match = page.getByTestId("match").first();
  await expect(match).toContainText("Northwind MSP");
  await expect(match).toContainText("Same web domain");
  await expect(page.getByRole("heading", { name: /Recommended: reject/ })).toBeVisible();
  await expect(page.locator("section.recommendation")).toContainText("registered");
  await expect(page.locator("section.recommendation")).toContainText("first to register wins");
  await page.getByRole("radio", { name: "Reject" }).check();
  await page.getByLabel("Reason or question for the partner").fill("Northwind registered this customer first.");
  await page.getByRole("button", { name: "Record decision" }).click();
  // On to the next registration in the queue (or back to this one when none waits).
  await expect(page.getByText(/^Decision recorded\./)).toBeVisible();
  await expect(page).not.toHaveURL(dealUrl + "/review");
  await page.goto(dealUrl);
  await hydrated(page);
  await expect(page.getByTestId("deal-status")).toHaveText("Rejected");
  await signOut(page);

  // 3. The partner is notified in the app, and sees the outcome on the timeline.
  await signIn(page, "carla@contoso.example");
  await expect(page.getByTestId("unread-count").first()).toBeAttached();
  // The bell shows the count in the header at every width, and the header stays one row.
  await expect(page.getByTestId("bell-count")).toBeVisible();
  const header = await page.locator("header.app-header").boundingBox();
  expect(header!.height, "one header row").toBeLessThan(72);
  await page.goto("/notifications");
  await hydrated(page);
  const note = page.getByTestId("notification").filter({ hasText: "Status: Rejected" }).first();
  await expect(note).toContainText(customer.toUpperCase());
  await expect(note).toContainText("Northwind registered this customer first.");
  await note.getByRole("link").click();
  await expect(page).toHaveURL(dealUrl);
  await hydrated(page);
  await expect(page.getByTestId("deal-status")).toHaveText("Rejected");
  await expect(page.getByText("Northwind registered this customer first.").first()).toBeVisible();
  await expect(page.locator(".timeline")).toContainText("Status: Rejected");
});

test("a channel manager uploads the direct pipeline: row errors first, then a preview and a progress bar", async ({ page }, info) => {
  const header = "external_id,company,domain,street,city,region,postcode,country,phone,contact_email\n";
  const tag = `${info.project.name}-${Date.now()}`;
  await signIn(page, "cam@acme.example");
  await page.goto("/admin/pipeline");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Upload the direct pipeline" })).toBeVisible();

  // A file with a missing company: the line is named and nothing is imported.
  await page.getByLabel("CSV file").setInputFiles({
    name: "broken.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(header + `E2E-${tag}-1,,broken.example,,,,,,,\n`),
  });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByTestId("import-errors")).toContainText("Problems found: 1.");
  await expect(page.locator(".row-errors")).toContainText("company");
  await expect(page.getByTestId("import-start")).toHaveCount(0);

  // A good file of 3,000 records in several parts.
  let rows = header;
  for (let k = 0; k < 3000; k++) {
    rows += `E2E-${tag}-${k},Pipeline Customer ${tag} ${k} Ltd,pc-${tag}-${k}.example,${k} High Street,Leeds,,LS1 ${k},GB,+44 113 ${k},buyer@pc-${tag}-${k}.example\n`;
  }
  await page.getByLabel("CSV file").setInputFiles({ name: "pipeline.csv", mimeType: "text/csv", buffer: Buffer.from(rows) });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await expect(page.getByTestId("import-ready")).toContainText("3,000 records are valid");
  await expect(page.locator("td").getByText(`E2E-${tag}-0`, { exact: true })).toBeVisible();
  await page.getByTestId("import-start").click();
  await expect(page.getByTestId("import-done")).toContainText("3,000 new records", { timeout: 30_000 });
});

test("an outcome is recorded only on confirmation, a loss needs a reason, and the channel manager can correct it", async ({ page }, info) => {
  const customer = `Stark Outcome ${info.project.name} ${Date.now()}`;
  await signIn(page, "sam@northwind.example");
  await register(page, customer, `stark-${info.project.name}-${Date.now()}.example`);
  await page.getByRole("button", { name: "Submit for review" }).click();
  await expect(page.getByTestId("deal-status")).toHaveText("Submitted");
  const dealUrl = page.url();
  await signOut(page);

  await signIn(page, "cam@acme.example");
  await page.goto(dealUrl + "/review");
  await hydrated(page);
  await page.getByRole("radio", { name: "Approve" }).check();
  await page.getByRole("button", { name: "Record decision" }).click();
  await expect(page.getByText(/^Decision recorded\./)).toBeVisible();
  await expect(page).not.toHaveURL(dealUrl + "/review");
  await page.goto(dealUrl);
  await hydrated(page);
  await expect(page.getByTestId("deal-status")).toHaveText("Approved");
  await signOut(page);

  await signIn(page, "sam@northwind.example");
  await page.goto(dealUrl);
  await hydrated(page);
  // An extension request has its own reason field, and an empty one is pointed at.
  const extension = page.getByTestId("extension-form");
  await extension.locator("summary").click();
  await extension.getByRole("button").click();
  await expect(page.locator("#f-reason-err")).toContainText("This field is required.");
  await expect(page.locator("#f-reason")).toHaveAttribute("aria-invalid", "true");
  await page.locator("#f-reason").fill("The customer's board meets a month later than planned.");
  await extension.getByRole("button").click();
  await expect(page.locator(".timeline")).toContainText("The customer's board meets a month later than planned.");
  await page.getByText("Report the outcome").click();
  await page.getByRole("radio", { name: "Lost" }).check();
  await page.getByRole("button", { name: "Record outcome" }).click();
  // One tap only asks; nothing has changed yet.
  await expect(page.getByText(/Record this deal as Lost\?/)).toBeVisible();
  await expect(page.getByTestId("deal-status")).toHaveText("Approved");
  await page.getByRole("button", { name: "Yes, record it" }).click();
  await expect(page.getByText("Give a reason for this outcome.").first()).toBeVisible();
  await expect(page.getByTestId("deal-status")).toHaveText("Approved");
  await page.getByLabel(/^Reason/).fill("The customer chose to build it in-house.");
  await page.getByRole("button", { name: "Record outcome" }).click();
  await page.getByRole("button", { name: "Yes, record it" }).click();
  await expect(page.getByTestId("deal-status")).toHaveText("Lost");
  await expect(page.locator(".timeline")).toContainText("The customer chose to build it in-house.");
  await signOut(page);

  await signIn(page, "cam@acme.example");
  await page.goto(dealUrl);
  await hydrated(page);
  await page.getByText("Correct the outcome").click();
  await page.getByLabel(/^Reason/).fill("Signed after all; the partner reported too early.");
  await page.getByRole("button", { name: "Record outcome" }).click();
  await page.getByRole("button", { name: "Yes, record it" }).click();
  await expect(page.getByTestId("deal-status")).toHaveText("Won");
});

test("saving a draft gives it its own address, so a reload keeps it", async ({ page }, info) => {
  await signIn(page, "sam@northwind.example");
  const company = `Draft Co ${info.project.name} ${Date.now()}`;
  await register(page, company, `draft-${info.project.name}-${Date.now()}.example`);
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page).toHaveURL(/\/deals\/\d+\/edit$/);
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Company *")).toHaveValue(company);
});

test("a refused form puts the reader on a summary that links to each field, and a field being fixed stops saying it is wrong", async ({ page }, info) => {
  await signIn(page, "sam@northwind.example");
  await page.goto("/deals/new");
  await hydrated(page);
  await page.getByLabel("Company *").fill(`Half Filled ${info.project.name} ${Date.now()}`);
  await page.getByRole("button", { name: "Submit for review" }).click();
  const summary = page.getByTestId("form-alert");
  await expect(summary).toBeFocused();
  await expect(summary.getByRole("link", { name: "Contact name" })).toHaveAttribute("href", "#f-contact_name");
  await expect(page.locator("#f-contact_name-err")).not.toBeEmpty();
  await page.locator("#f-contact_name").fill("Dana Buyer");
  await expect(page.locator("#f-contact_name-err")).toBeEmpty();
  await expect(page.locator("#f-contact_name")).toHaveAttribute("aria-invalid", "false");
  await expect(page.locator("#f-products-err")).not.toBeEmpty();
});
