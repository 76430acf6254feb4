import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

// Every page, loaded directly (server-rendered, then hydrated), must hydrate without a
// single error: a mismatch between server and browser rendering shows up here.
const pages: Record<string, string[]> = {
  "admin@acme.example": ["/", "/partners", "/partners/northwind-msp", "/partners/acme-cloud", "/partners/new", "/partners/northwind-msp/edit", "/settings", "/admin/audit", "/admin/outbox", "/admin/jobs", "/admin/jobs?state=dead", "/org", "/deals", "/admin/rules", "/admin/pipeline", "/notifications", "/content", "/content/new", "/content/analytics", "/content/1"],
  "nina@northwind.example": ["/", "/org", "/partners/northwind-msp/edit", "/settings", "/deals", "/deals/new", "/notifications", "/content", "/content/1", "/content?q=battlecard&kind=battlecard"],
};

for (const [email, paths] of Object.entries(pages)) {
  test(`pages hydrate without errors for ${email}`, async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, email);
    for (const path of paths) {
      await page.goto(path);
      await hydrated(page);
      await expect(page.locator("main h1").first()).toBeVisible();
      // Buttons that need the app are enabled once their part of the page has hydrated.
      for (const button of await page.locator("main button[type=submit].primary").all()) {
        await expect(button).toBeEnabled();
      }
      expect(errors, `${path}: ${errors.join(" | ")}`).toEqual([]);
    }
  });
}

// The WASM is fetched after the server's HTML has painted, never before it: a preload that
// won the race against the first paint made Lighthouse count the whole bundle in the
// largest paint.
test("the app's WASM is fetched after the first paint", async ({ page }) => {
  await signIn(page, "nina@northwind.example");
  await page.goto("/deals");
  await hydrated(page);
  const t = await page.evaluate(() => {
    const paint = performance.getEntriesByName("first-paint")[0]?.startTime;
    const wasm = performance
      .getEntriesByType("resource")
      .find((e) => /\/pkg\/trellis[^/]*\.wasm/.test(e.name))?.startTime;
    return { paint, wasm };
  });
  expect(t.paint, "first paint").toBeDefined();
  expect(t.wasm, "WASM request").toBeDefined();
  expect(t.wasm!).toBeGreaterThanOrEqual(t.paint!);
});
