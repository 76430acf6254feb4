import { test, expect } from "@playwright/test";
import { expectNoReload, hydrated, markWindow, signIn, signInDirect } from "./helpers";

// The pages people open every day, at both widths (desktop and phone projects).

test("a sales rep's home shows their registrations, each count linking to its list", async ({ page }) => {
  await signIn(page, "sam@northwind.example");
  await expect(page.getByTestId("register-deal")).toBeVisible();
  const card = page.getByTestId("home-deals");
  await expect(card.getByRole("heading", { name: "My registrations" })).toBeVisible();
  const submitted = card.getByTestId("deals-by-status").getByRole("link", { name: /Submitted/ });
  const shown = Number(await submitted.locator(".lb-value").innerText());
  expect(shown).toBeGreaterThan(0);
  await submitted.click();
  await expect(page).toHaveURL(/\/deals\?status=submitted&mine=1/);
  await expect(page.getByTestId("only-mine")).toBeVisible();
  await hydrated(page);
  await expect(page.locator("tbody tr")).toHaveCount(shown);
  // Nothing on the page is wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
});

test("the channel manager's home shows the queue and partners' activity", async ({ page }) => {
  await signIn(page, "cam@acme.example");
  const queue = page.getByTestId("home-queue");
  await expect(queue.getByRole("heading", { name: "Review queue" })).toBeVisible();
  expect(Number(await queue.getByTestId("queue-count").innerText())).toBeGreaterThan(0);
  await expect(page.getByTestId("home-activity")).toBeVisible();
  await queue.getByRole("link", { name: "Open the queue" }).click();
  await expect(page).toHaveURL(/\/deals\?status=queue/);
  await expect(page.getByLabel("Status")).toHaveValue("queue");
});

test("the vendor admin's home compares partners by tier in a chart", async ({ page }) => {
  await signIn(page, "admin@acme.example");
  const prog = page.getByTestId("home-programme");
  await expect(prog.getByRole("heading", { name: "The programme at a glance" })).toBeVisible();
  await expect(prog.getByTestId("partners-by-tier").getByRole("link", { name: /Gold/ })).toHaveAttribute("href", "/partners?tier=gold");
});

test("a partner admin's home shows the team and pending invitations", async ({ page }) => {
  await signIn(page, "nina@northwind.example");
  const team = page.getByTestId("home-team");
  await expect(team.getByText(/people can sign in/)).toBeVisible();
  await expect(team.getByTestId("home-invited")).toContainText("invitations pending");
  await expect(page.getByTestId("home-deals").getByRole("heading", { name: "Our pipeline" })).toBeVisible();
});

test("content search corrects a typo mid-word, knows kind names and labels partial matches", async ({ page }) => {
  await signIn(page, "sam@northwind.example");
  // "objection" is only in the battlecard's file text.
  await page.goto("/content?q=objecton");
  await hydrated(page);
  await expect(page.getByTestId("corrected")).toContainText("objection");
  await expect(page.getByRole("link", { name: "Zero Trust battlecard" })).toBeVisible();
  await page.goto("/content?q=battlecards");
  await expect(page.getByTestId("kind-from-query")).toContainText("Battlecard");
  await page.goto("/content?q=battlecard+zebrafish");
  await expect(page.getByTestId("partial")).toBeVisible();
  await expect(page.getByTestId("partial-words").first()).toContainText("battlecard");
});

test.describe("in German", () => {
  test.use({ locale: "de-DE" });

  test("match reasons, statuses and dates are German on the review page", async ({ page }) => {
    await signInDirect(page, "cam@acme.example");
    await page.goto("/deals/2/review");
    await hydrated(page);
    const matches = page.getByTestId("match");
    await expect(matches.first()).toBeVisible();
    await expect(page.locator(".reasons").first()).toContainText("Gleiche Web-Domain");
    const text = await page.locator("main").innerText();
    for (const english of ["submitted", "under_review", "equal after normalising", "same city"]) {
      expect(text).not.toContain(english);
    }
    // The registration card does not overflow its column.
    const overflow = await page.locator(".review-grid .panel").evaluateAll((els) => els.some((e) => e.scrollWidth > e.clientWidth + 1));
    expect(overflow).toBe(false);
  });

  test("a page the app renders in the browser is German too, from the catalogue fetched beside the WASM", async ({ page }, info) => {
    await signInDirect(page, "cam@acme.example");
    await page.goto("/deals");
    await hydrated(page);
    await markWindow(page);
    // Client-side navigation: the next page is rendered by the WASM, not the server.
    if (info.project.name === "phone") await page.locator("details.nav-phone summary").click();
    await page.locator('.app-header a[href="/content"]:visible').first().click();
    await expect(page).toHaveURL(/\/content$/);
    await expect(page.locator("main h1").first()).toHaveText("Content-Bibliothek");
    await expectNoReload(page);
    // No text is missing from the catalogue ("…" stands in for a missing one).
    expect(await page.locator("main").innerText()).not.toContain("…");
    const fetched = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    expect(fetched.filter((u) => /\/i18n\/de\.[0-9a-f]{16}\.json$/.test(u))).toHaveLength(1);
    expect(fetched.filter((u) => /\/i18n\/en\./.test(u))).toHaveLength(0);
  });

  test("the German admin header is one row at 1024 px, the rest in a More menu", async ({ page }, info) => {
    test.skip(info.project.name === "phone", "the phone has its own menu");
    await page.setViewportSize({ width: 1024, height: 768 });
    await signInDirect(page, "admin@acme.example");
    await page.goto("/");
    await hydrated(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    const header = page.locator(".app-header");
    const box = (await header.boundingBox())!;
    expect(box.height).toBeLessThan(80);
    await page.getByTestId("nav-more").click();
    await page.locator(".nav-more-list").getByRole("link", { name: "Prüfprotokoll" }).click();
    await expect(page).toHaveURL(/\/admin\/audit/);
    await expect(page.locator(".nav-more details")).not.toHaveAttribute("open", "");
  });
});
