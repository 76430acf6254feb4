import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
// @ts-ignore: mjml ships no types; an independent renderer, used here in strict mode.
import mjml2html from "mjml";
import { hydrated, signIn } from "./helpers";

const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** What the end-to-end SMTP relay (smtp-sink.mjs) received for an address. */
const sink = `http://127.0.0.1:${process.env.TRELLIS_E2E_SINK_PORT ?? "3125"}`;
async function mailsTo(address: string): Promise<{ rcpt: string[]; data: string }[]> {
  const res = await fetch(`${sink}/messages?to=${encodeURIComponent(address)}`);
  return res.json();
}

/** A message with its quoted-printable parts decoded (soft line breaks and =XX bytes). */
function decoded(raw: string): string {
  const soft = raw.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === "=" && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The template's merge fields with sample values, as a partner's brand and contact fill them. */
function withSamples(mjml: string): string {
  return mjml.replace(/\{\{\s*partner\.color\s*\}\}/g, "#0a4d8c").replace(/\{\{[^}]*\}\}/g, "Sample");
}

test("a vendor marketer writes a template with a locked header and an editable body, valid MJML in strict mode", async ({ page }, info) => {
  const stamp = `${info.project.name}-${Date.now()}`;
  await signIn(page, "marketing@acme.example");
  await page.goto("/campaigns");
  await hydrated(page);
  await page.getByRole("link", { name: "New campaign template" }).click();
  await expect(page.getByTestId("template-form")).toBeVisible();
  const editor = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(editor.violations).toEqual([]);

  await page.locator("#f-name").fill(`Spring offer ${stamp}`);
  await page.locator("#f-touch-0-subject").fill("Hello {{contact.first_name}}");
  // The starter email: the vendor's header (locked) and the partner's body region.
  const mjml = await page.locator("#f-touch-0-mjml").inputValue();
  expect(mjml).toContain("{{partner.name}} × Acme Cloud");
  expect(mjml).toContain("{{region:body}}");
  await expect(page.locator("#f-region-0-name")).toHaveValue("body");
  await page.locator("#f-region-0-default").fill("Our spring offer, in your words.");
  // An independent renderer accepts it in strict mode.
  const checked = await mjml2html(withSamples(mjml), { validationLevel: "strict" });
  expect(checked.errors).toEqual([]);

  // A merge field that does not exist is refused on the server, with the field named.
  await page.locator("#f-touch-0-subject").fill("Hello {{contact.shoe_size}}");
  await page.locator("#f-landing_title").fill("Book a call with {{partner.name}}");
  await page.getByLabel("Published: partners it is aimed at can launch it").check();
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page.locator("#f-touch-0-subject-err")).toContainText("not one the template knows");
  await page.locator("#f-touch-0-subject").fill("Hello {{contact.first_name}}");
  await page.getByRole("button", { name: "Create template" }).click();

  await expect(page).toHaveURL(/\/campaigns\/\d+$/);
  await expect(page.getByRole("heading", { name: `Spring offer ${stamp}` })).toBeVisible();
  const previews = page.getByTestId("preview");
  await expect(previews).toHaveCount(1);
  await expect(page.frameLocator("iframe").first().locator("body")).toContainText("Our spring offer, in your words.");
  await expect(page.getByTestId("preview-landing")).toBeVisible();
  // As a chosen partner sends it: its brand in the email and on the landing page.
  await page.getByLabel("Preview as partner").selectOption({ label: "Northwind MSP" });
  await expect(page.frameLocator("iframe").first().locator("body")).toContainText("Northwind MSP");
  await expect(page.getByTestId("preview-landing").frameLocator("iframe").locator("h1")).toContainText("Book a call with Northwind MSP");
  await expect(page.getByRole("link", { name: "Edit template" })).toBeVisible();
});

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
  // The preview follows the text once asked (asked again if the first ask raced the typing).
  await expect(async () => {
    await page.getByTestId("refresh-preview").click();
    await expect(page.frameLocator("iframe").first().locator("body")).toContainText(`A note from Nina (${stamp})`, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await page.getByRole("button", { name: "Launch to my contacts" }).click();
  await expect(page.getByText("Launched. Progress shows under Launches.")).toBeVisible();

  // Progress shows live: the first email goes out through the job queue.
  await page.goto("/campaigns");
  await hydrated(page);
  const launch = page.getByTestId("launch").first();
  await expect(launch).toContainText("Cloud migration in 30 days");
  await expect(launch.getByTestId("launch-sent")).not.toHaveText("0", { timeout: 20_000 });

  // The relay got one email for each new contact with consent, and none for the one without.
  const buyer = email;
  const ana = `csv-a-${stamp}@customer.example`;
  await expect.poll(async () => (await mailsTo(buyer)).length, { timeout: 20_000 }).toBe(1);
  await expect.poll(async () => (await mailsTo(ana)).length, { timeout: 20_000 }).toBe(1);
  expect(await mailsTo(`csv-b-${stamp}@customer.example`)).toEqual([]);
  const mail = decoded((await mailsTo(ana))[0].data);
  expect(mail).toContain("Northwind MSP");
  expect(mail).toContain(`A note from Nina (${stamp})`);
  expect(mail).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  const unsubscribe = mail.match(/List-Unsubscribe: <([^>]+)>/)?.[1];
  expect(unsubscribe, "an HTTPS-or-local unsubscribe address").toMatch(/\/u\/\d+\./);

  // The received email in a browser at phone and desktop widths: no sideways scrolling.
  const html = mail.split(/Content-Type: text\/html[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/)[1]?.split(/\r\n--/)[0] ?? "";
  expect(html).toContain("<html");
  for (const width of [375, 600]) {
    const view = await page.context().newPage();
    await view.setViewportSize({ width, height: 800 });
    await view.setContent(html);
    const wide = await view.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, `email at ${width} px`).toBeLessThanOrEqual(width);
    await info.attach(`email-${width}px`, { body: await view.screenshot({ fullPage: true }), contentType: "image/png" });
    await view.close();
  }

  // The tracked link leads to the co-branded landing page; its form makes a lead.
  const click = mail.match(/http:\/\/127\.0\.0\.1:\d+\/c\/\d+\/[A-Za-z0-9_-]+\?u=[^"\s)<]+/)?.[0];
  expect(click, "a tracked link").toBeTruthy();
  await page.goto(click!.replace(/&amp;/g, "&"));
  await expect(page).toHaveURL(/\/l\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Northwind MSP");
  const landing = await new AxeBuilder({ page }).withTags(tags).exclude(".hp").analyze();
  expect(landing.violations).toEqual([]);
  const lead = `Lena Lead ${stamp}`;
  await page.getByLabel("Name").fill(lead);
  await page.getByLabel("Email").fill(`lena-${stamp}@prospect.example`);
  await page.getByLabel("Company").fill(`Prospect ${stamp} GmbH`);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("heading", { name: "Thank you" })).toBeVisible();

  // One-click unsubscribe: a POST with no cookie.
  const res = await fetch(unsubscribe!, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } });
  expect(res.status).toBe(200);
  await page.goto("/campaigns/contacts");
  await hydrated(page);
  await expect(page.getByTestId("contact").filter({ hasText: ana })).toContainText("Unsubscribed");

  // The lead is Northwind's; one tap makes it a deal registration draft.
  await page.goto("/campaigns");
  await hydrated(page);
  const card = page.getByTestId("lead").filter({ hasText: lead });
  await expect(card).toBeVisible();
  await card.getByTestId("convert-lead").click();
  await expect(page).toHaveURL(/\/deals\/\d+\/edit$/);
  await expect(page.locator("#f-company")).toHaveValue(`Prospect ${stamp} GmbH`);

  // The campaign's results count the click, the visit and the lead.
  await page.goto("/campaigns");
  await hydrated(page);
  await page.getByRole("link", { name: "Cloud migration in 30 days" }).click();
  const funnel = page.getByTestId("funnel").locator("svg");
  await expect(funnel).toHaveAttribute("aria-label", /Clicks [1-9]/);
  await expect(funnel).toHaveAttribute("aria-label", /Leads [1-9]/);
});

test("a template that asks for approval holds a partner's edited launch until the vendor decides; the one-pager is a PDF", async ({ page, browser }, info) => {
  const stamp = `${info.project.name}-${Date.now()}`;
  const name = `Approved offer ${stamp}`;
  // The vendor marketer: approval required, a one-pager, published.
  await signIn(page, "marketing@acme.example");
  await page.goto("/campaigns/new");
  await hydrated(page);
  await page.locator("#f-name").fill(name);
  await page.locator("#f-touch-0-subject").fill("Hello {{contact.first_name}}");
  await page.locator("#f-region-0-default").fill("Our standard words.");
  await page.locator("#f-landing_title").fill("Talk to {{partner.name}}");
  await page.locator("#f-one_pager_title").fill("Why {{partner.name}}");
  await page.locator("#f-one_pager_body").fill("{{region:body}}\n\n- fast\n- certified");
  await page.getByTestId("approval-required").check();
  await page.getByLabel("Published: partners it is aimed at can launch it").check();
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page).toHaveURL(/\/campaigns\/\d+$/);
  const url = page.url();
  await expect(page.getByTestId("approvals")).toContainText("No launch is waiting for approval.");

  // The partner edits the text: the launch waits, and says so.
  const partner = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const nina = await partner.newPage();
  await signIn(nina, "nina@northwind.example");
  await nina.goto(url);
  await hydrated(nina);
  await expect(nina.getByTestId("approval-hint")).toBeVisible();
  // The one-pager, with Northwind's brand.
  const href = await nina.getByTestId("one-pager").getAttribute("href");
  const pdf = await nina.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 8).toString()).toBe("%PDF-1.4");
  await nina.getByLabel("Your text").fill(`Best in class, says Nina ${stamp}`);
  await nina.getByRole("button", { name: "Launch to my contacts" }).click();
  await expect(nina.getByText("Launched. Progress shows under Launches.")).toBeVisible();
  await nina.goto("/campaigns");
  await hydrated(nina);
  const row = nina.getByTestId("launch").filter({ hasText: name });
  await expect(row).toContainText("Awaiting approval");

  // The vendor sees the edited text; sending back needs a note.
  await page.reload();
  await hydrated(page);
  const card = page.getByTestId("approval").filter({ hasText: "Northwind MSP" });
  await expect(card.getByTestId("approval-text")).toContainText(`Best in class, says Nina ${stamp}`);
  await expect(card).toContainText("edited");
  const axe = await new AxeBuilder({ page }).withTags(tags).include("[data-testid=approvals]").analyze();
  expect(axe.violations).toEqual([]);
  await card.getByTestId("send-back").click();
  await expect(card.locator("[id^=f-note-][id$=-err]")).toContainText(/required|fill/i);
  await card.getByLabel("Note to the partner").fill("Please no superlatives.");
  await card.getByTestId("send-back").click();
  await expect(page.getByText("Sent back to the partner.")).toBeVisible();
  await expect(page.getByTestId("approvals")).toContainText("No launch is waiting for approval.");

  // The partner reads why; nothing was sent.
  await nina.reload();
  await hydrated(nina);
  await expect(row).toContainText("Sent back");
  await expect(row.getByTestId("review-note")).toContainText("Please no superlatives.");
  await expect(row.getByTestId("launch-sent")).toHaveText("0");
  await partner.close();
});
