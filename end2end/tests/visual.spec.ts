import { test, expect } from "@playwright/test";
import { signInDirect } from "./helpers";

// Screenshots of the pages people open every day (home, a deal, the review page) at a
// desktop and a phone width, in English and German, compared with the stored baselines
// (tests/visual.spec.ts-snapshots/). This project runs first, on the freshly seeded demo
// data, so the pages look the same on every run. Dates and times change from day to day
// and are masked. Update the baselines after an intended change of look:
//   cd end2end && npx playwright test --project=visual --update-snapshots

const PAGES = [
  { name: "home", path: "/" },
  { name: "deal", path: "/deals/1" },
  { name: "review", path: "/deals/2/review" },
];
const WIDTHS = [1280, 375];
const LOCALES = ["en-US", "de-DE"];

for (const locale of LOCALES) {
  for (const width of WIDTHS) {
    test(`channel manager's daily pages look as stored (${locale}, ${width} px)`, async ({ browser }) => {
      const context = await browser.newContext({
        locale,
        viewport: { width, height: 900 },
        deviceScaleFactor: 1,
        isMobile: width < 600,
        hasTouch: width < 600,
      });
      const page = await context.newPage();
      await signInDirect(page, "cam@acme.example");
      for (const p of PAGES) {
        await page.goto(p.path);
        await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
        await expect(page.locator("main h1")).toBeVisible();
        await expect(page).toHaveScreenshot(`${p.name}-${locale}-${width}.png`, {
          fullPage: true,
          animations: "disabled",
          caret: "hide",
          // Dates, times and ages change every day; the layout around them does not.
          mask: [page.locator("time, .hint, .meta, .timeline, [data-testid=when]")],
          maxDiffPixelRatio: 0.02,
        });
      }
      await context.close();
    });
  }
}
