import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { hydrated, signIn } from "./helpers";

const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

test("a partner previews the demo campaign at phone and desktop width, launches it, and sees it sent", async ({ page }, info) => {
  const stamp = `${info.project.name}-${Date.now()}`;
  await signIn(page, "nina@northwind.example");

  // A contact of their own, with consent.
  await page.goto("/campaigns/contacts");
  await hydrated(page);
  const email = `buyer-${stamp}@customer.example`;
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("First name").fill("Bo");
  await page.getByLabel("They agreed to receive our emails").check();
  await page.getByRole("button", { name: "Add contact" }).click();
  await expect(page.getByTestId("contact").filter({ hasText: email })).toContainText("Yes");

  // A CSV of three contacts, one without consent and one with a bad address: checked first.
  const csv = [
    "email,first_name,consent",
    `csv-a-${stamp}@customer.example,Ana,yes`,
    `csv-b-${stamp}@customer.example,Ben,no`,
    "not-an-address,Cy,yes",
  ].join("\n");
  await page.getByLabel("CSV file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByTestId("preview-import").click();
  await expect(page.getByTestId("import-summary")).toHaveText("2 rows can be imported, 1 cannot.");
  await expect(page.getByTestId("import-row").nth(2)).toContainText("email:");
  await page.getByTestId("commit-import").click();
  await expect(page.getByTestId("contact").filter({ hasText: `csv-b-${stamp}` })).toContainText("No");

  // The library.
  await page.goto("/campaigns");
  await hydrated(page);
  const library = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(library.violations).toEqual([]);
  await page.getByRole("link", { name: "Cloud migration in 30 days" }).click();

  // Preview: both emails, as Northwind sends them, at phone width first.
  const previews = page.getByTestId("preview");
  await expect(previews).toHaveCount(2);
  const frame = previews.first().locator("iframe");
  await expect(frame).toHaveAttribute("style", /width:375px/);
  await expect(previews.first()).toContainText("your 30-day path to Acme Cloud");
  await expect(page.frameLocator("iframe").first().locator("body")).toContainText("Northwind MSP");
  await page.getByTestId("toggle-width").click();
  await expect(frame).toHaveAttribute("style", /width:600px/);
  // The page around the previews (the emails themselves are checked by the server tests).
  const editor = await new AxeBuilder({ page }).withTags(tags).exclude("iframe").analyze();
  expect(editor.violations).toEqual([]);

  // The editable region, then launch.
  await page.getByLabel("Your text").fill(`A note from Nina (${stamp})`);
  await page.getByTestId("refresh-preview").click();
  await expect(page.frameLocator("iframe").first().locator("body")).toContainText(`A note from Nina (${stamp})`);
  await page.getByRole("button", { name: "Launch to my contacts" }).click();
  await expect(page.getByText("Launched. Progress shows under Launches.")).toBeVisible();

  // Progress shows live: the first email goes out through the job queue.
  await page.goto("/campaigns");
  await hydrated(page);
  const launch = page.getByTestId("launch").first();
  await expect(launch).toContainText("Cloud migration in 30 days");
  await expect(launch.getByTestId("launch-sent")).not.toHaveText("0", { timeout: 20_000 });
});
