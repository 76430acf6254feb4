import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { hydrated, signIn, signOut, simplePdf } from "./helpers";

const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

test("a Gold-only PDF: uploaded by marketing, found and fetched by Gold, invisible to Silver", async ({ page }, info) => {
  const word = `zyx${info.project.name}${Date.now()}`.replace(/[^a-z0-9]/gi, "");
  const title = `Gold pricing play ${info.project.name} ${Date.now()}`;

  // 1. A marketer uploads a PDF for Gold partners.
  await signIn(page, "marketing@acme.example");
  await page.goto("/content/new");
  await hydrated(page);
  await page.getByLabel("Title *").fill(title);
  await page.getByLabel("Kind *").selectOption("sales_play");
  await page.getByRole("group", { name: "Tiers" }).getByLabel("Gold").check();
  await page.getByLabel("Published (partners can see it)").check();
  await page.getByLabel("File", { exact: true }).setInputFiles({
    name: "gold-play.pdf",
    mimeType: "application/pdf",
    buffer: simplePdf(`Margin protection for ${word} renewals`),
  });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page).toHaveURL(/\/content\/\d+$/);
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  const assetUrl = page.url();
  const fileUrl = assetUrl + "/file";
  await signOut(page);

  // 2. A Gold partner finds it by a word inside the PDF, previews and downloads it.
  await signIn(page, "sam@northwind.example");
  await page.goto("/content");
  await hydrated(page);
  await page.getByLabel("Search titles, tags and document text").fill(word);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const hit = page.getByTestId("asset").first();
  await expect(hit).toContainText(title);
  await expect(hit.getByTestId("why")).toContainText("document text");
  await hit.getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(assetUrl);
  await hydrated(page);
  await expect(page.locator("iframe.preview")).toBeVisible();
  const preview = await page.request.get(fileUrl + "?inline=1");
  expect(preview.status()).toBe(200);
  expect(preview.headers()["content-disposition"]).toContain("inline");
  const download = page.waitForEvent("download");
  await page.getByTestId("download").click();
  expect((await download).suggestedFilename()).toBe("gold-play.pdf");
  const axe = await new AxeBuilder({ page }).withTags(tags).exclude("iframe").analyze();
  expect(axe.violations).toEqual([]);
  await signOut(page);

  // 3. A Silver partner neither finds it nor fetches its URL.
  await signIn(page, "carla@contoso.example");
  await page.goto(`/content?q=${word}`);
  await hydrated(page);
  await expect(page.getByText("Nothing found.")).toBeVisible();
  await expect(page.getByText(title)).toHaveCount(0);
  expect((await page.request.get(fileUrl)).status()).toBe(404);
  expect((await page.request.get(fileUrl + "?inline=1")).status()).toBe(404);
  await page.goto(assetUrl);
  await expect(page.getByRole("heading", { name: title })).toHaveCount(0);
});

test("the content library and its analytics have no WCAG 2.2 AA violations", async ({ page }) => {
  await signIn(page, "marketing@acme.example");
  await page.goto("/content");
  await hydrated(page);
  await expect(page.getByTestId("asset").first()).toBeVisible();
  let result = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(result.violations).toEqual([]);
  await page.goto("/content/new");
  await hydrated(page);
  result = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(result.violations).toEqual([]);
  await page.goto("/content/analytics");
  await hydrated(page);
  result = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(result.violations).toEqual([]);
});

test("a partner keeps assets in a collection and finds them through it", async ({ page }, info) => {
  const name = `Renewal kit ${info.project.name} ${Date.now()}`;
  await signIn(page, "sam@northwind.example");
  await page.goto("/content");
  await hydrated(page);
  const first = page.getByTestId("asset").first().locator("a.asset-title");
  const title = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await hydrated(page);

  // An empty name is refused with a message at the field; nothing typed is lost.
  const form = page.getByTestId("new-collection");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form.getByLabel("New collection *")).toBeVisible();
  await form.getByLabel("New collection *").fill(name);
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("checkbox", { name })).toBeChecked();

  // The library filtered by the collection lists the asset.
  await page.goto("/content");
  await hydrated(page);
  await page.getByLabel("Collection").selectOption({ label: name });
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/collection=\d+/);
  // It opens under its own name.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page).toHaveTitle(new RegExp(name));
  await expect(page.getByTestId("asset")).toHaveCount(1);
  await expect(page.getByTestId("asset").first()).toContainText(title);

  // The collections page lists it, passes axe, and deletes it after a confirmation.
  await page.goto("/content/collections");
  await hydrated(page);
  const row = page.getByTestId("collection").filter({ hasText: name });
  await expect(row).toContainText("Assets: 1");
  const axe = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(axe.violations).toEqual([]);
  await row.getByRole("button", { name: `Delete collection ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("collection").filter({ hasText: name })).toHaveCount(0);
});
