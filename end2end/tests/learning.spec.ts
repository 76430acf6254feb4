import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hydrated, signIn, signOut } from "./helpers";

const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const BANK = [
  "? Which answer is right in the first question?",
  "topic: Registration",
  "* Correct",
  "- Incorrect",
  "",
  "? Which answer is right in the second question?",
  "topic: Review",
  "* Correct",
  "- Incorrect",
].join("\n");

type Verdict = { verified: boolean; proof: boolean; validity: boolean; status: boolean; errors: string[] };

/** Runs the independent verifier (Digital Bazaar's libraries) on a credential. */
function verify(credential: object, baseURL: string, now?: string): Verdict {
  const dir = mkdtempSync(path.join(tmpdir(), "trellis-cred-"));
  const file = path.join(dir, "credential.json");
  writeFileSync(file, JSON.stringify(credential));
  const args = ["verify/ob3.mjs", file, "--base", baseURL, ...(now ? ["--now", now] : [])];
  try {
    return JSON.parse(execFileSync("node", args, { cwd: path.resolve(__dirname, ".."), encoding: "utf8" }));
  } catch (e: any) {
    // Exit 1 still prints the verdict.
    return JSON.parse(e.stdout);
  }
}

async function answerAll(page: Page, label: "Correct" | "Incorrect") {
  const questions = page.getByTestId("question");
  await expect(questions).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    await questions.nth(i).getByLabel(label, { exact: true }).check();
  }
  await page.getByRole("button", { name: "Submit answers" }).click();
}

test("a course earns a verifiable credential, and revoking it shows everywhere", async ({ page, request, baseURL }, info) => {
  const stamp = `${info.project.name}-${Date.now()}`;
  const course = `Co-selling basics ${stamp}`;
  const cert = `Co-selling certified ${stamp}`;

  // 1. Vendor enablement writes the course, its quiz and the certification.
  await signIn(page, "marketing@acme.example");
  await page.goto("/learning/new");
  await hydrated(page);
  // Server-side validation first: a course without questions keeps what was typed and
  // says what is missing, field by field.
  await page.getByLabel("Course title").fill(course);
  await page.getByLabel("Lesson title").fill("Why co-sell");
  await page.getByLabel("Questions per attempt").fill("0");
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.locator("#f-questions-err")).toContainText("at least one question");
  await expect(page.locator("#f-draw_count-err")).toContainText("out of range");
  await expect(page.getByLabel("Course title")).toHaveValue(course);
  await page.getByLabel("Lesson text (Markdown)").fill("Co-selling **wins** deals.");
  await page.getByLabel("Question bank").fill(BANK);
  await page.getByLabel("Questions per attempt").fill("2");
  await page.getByLabel("Pass mark (%)").fill("100");
  await page.getByLabel("Time limit (minutes)").fill("10");
  await page.getByLabel("Certification name").fill(cert);
  await page.getByRole("button", { name: "Create course" }).click();
  await expect(page.getByRole("heading", { name: course, level: 1 })).toBeVisible();
  // An edit adds a second lesson in its own module: version 2.
  await page.getByTestId("edit-course").click();
  await hydrated(page);
  await expect(page.getByLabel("Lesson title")).toHaveValue("Why co-sell");
  await page.getByTestId("add-lesson").click();
  const second = page.getByTestId("lesson-fields").nth(1);
  await second.getByLabel("Module").fill("Going further");
  await second.getByLabel("Lesson title").fill("Joint pipeline reviews");
  await page.getByRole("button", { name: "Save a new version" }).click();
  await expect(page.getByRole("heading", { name: course, level: 1 })).toBeVisible();
  await expect(page.getByTestId("course-versions")).toContainText("Version 2");
  await signOut(page);

  // 2. A partner salesperson takes it, fails the quiz once and passes.
  await signIn(page, "sam@northwind.example");
  await page.goto("/learning");
  await hydrated(page);
  await expect(page.getByTestId("assigned-path").filter({ hasText: "Partner onboarding" })).toBeVisible();
  await page.getByRole("link", { name: course }).click();
  await expect(page.getByTestId("lesson")).toContainText("wins");
  const axePlayer = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(axePlayer.violations).toEqual([]);
  await page.getByTestId("complete-lesson").click();
  await expect(page.getByTestId("lesson")).toContainText("Joint pipeline reviews");
  await page.getByTestId("start-quiz").click();
  await expect(page.getByTestId("countdown")).toContainText("Time left: 9:");
  await answerAll(page, "Incorrect");
  await expect(page.getByTestId("quiz-result")).toContainText("Not passed");
  await expect(page.getByTestId("revisit")).toContainText("Registration");
  await page.getByTestId("start-quiz").click();
  await answerAll(page, "Correct");
  await expect(page.getByTestId("quiz-result")).toContainText("Passed");
  await page.getByTestId("view-credential").click();

  // 3. The public page says valid, signed in or not; the independent verifier agrees.
  await expect(page.getByTestId("verification")).toHaveAttribute("data-verification", "valid");
  await expect(page.getByTestId("holder")).toContainText("Sam Keller");
  const credentialUrl = page.url();
  const axeCred = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(axeCred.violations).toEqual([]);
  const json = await (await request.get(credentialUrl, { headers: { accept: "application/ld+json" } })).json();
  expect(json.type).toContain("OpenBadgeCredential");
  expect(verify(json, baseURL!)).toMatchObject({ verified: true, proof: true, status: true });
  const tampered = structuredClone(json);
  tampered.credentialSubject.achievement.name = "Something I did not earn";
  expect(verify(tampered, baseURL!)).toMatchObject({ verified: false, proof: false });
  expect(verify(json, baseURL!, "2099-01-01T00:00:00Z")).toMatchObject({ verified: false, validity: false });
  await signOut(page);

  // 4. The vendor admin revokes it; the page and the verifier say so.
  await signIn(page, "admin@acme.example");
  await page.goto("/learning");
  await hydrated(page);
  const row = page.getByTestId("issued-credential").filter({ hasText: cert });
  await row.getByTestId("revoke").click();
  await page.getByLabel("Reason (kept by the issuer)").fill("Issued in error");
  await page.getByTestId("revoke-form").getByRole("button", { name: "Revoke" }).click();
  await expect(row.getByTestId("credential-status")).toHaveText("Revoked");
  await page.goto(credentialUrl);
  await expect(page.getByTestId("verification")).toHaveAttribute("data-verification", "revoked");
  const revoked = verify(json, baseURL!);
  expect(revoked).toMatchObject({ verified: false, proof: true, status: false });
  expect(revoked.errors.join(" ")).toContain("REVOKED");
});
