import { defineConfig, devices } from "@playwright/test";
import path from "node:path";

// Runs against the release build (only it catches a broken wasm-opt), on a fresh database,
// in Debian's Chromium: no browser is downloaded.
const root = path.resolve(__dirname, "..");
// Relative to the checkout, as cargo reads it there.
const target = path.resolve(root, process.env.CARGO_TARGET_DIR ?? "target");
const bin = path.join(target, "release", "trellis");
const dataDir = path.join(target, "e2e-data");
// Where scripts/lib.sh's build_site puts the release site (hashed and pre-compressed).
const siteRoot = path.join(target, "trellis-site");
const port = process.env.TRELLIS_E2E_PORT ?? "3100";
const baseURL = `http://127.0.0.1:${port}`;
const smtpPort = process.env.TRELLIS_E2E_SMTP_PORT ?? "2525";
const sinkPort = process.env.TRELLIS_E2E_SINK_PORT ?? "3125";
const sinkURL = `http://127.0.0.1:${sinkPort}`;

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    launchOptions: chromium,
    trace: "retain-on-failure",
  },
  // Visual baselines: compared with a tolerance, named without the platform (one machine
  // type runs CI).
  snapshotPathTemplate: "{testDir}/{testFileName}-snapshots/{arg}{ext}",
  projects: [
    // Runs first, on the freshly seeded data, before other tests change it.
    { name: "visual", testMatch: /visual\.spec\.ts/, use: { launchOptions: chromium } },
    {
      name: "desktop",
      testIgnore: /visual\.spec\.ts|nojs\.spec\.ts/,
      dependencies: ["visual"],
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions: chromium },
    },
    {
      name: "phone",
      testIgnore: /visual\.spec\.ts|nojs\.spec\.ts/,
      dependencies: ["visual"],
      use: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, launchOptions: chromium },
    },
    {
      name: "no-js",
      testMatch: /nojs\.spec\.ts/,
      dependencies: ["visual"],
      use: { javaScriptEnabled: false, viewport: { width: 1280, height: 800 }, launchOptions: chromium },
    },
  ],
  webServer: [
    {
      // The mail relay: Trellis delivers real SMTP to it and the tests read what arrived.
      command: `exec node smtp-sink.mjs`,
      cwd: __dirname,
      url: `${sinkURL}/healthz`,
      timeout: 10_000,
      reuseExistingServer: false,
      env: { TRELLIS_E2E_SMTP_PORT: smtpPort, TRELLIS_E2E_SINK_PORT: sinkPort },
    },
    {
    command: `rm -rf "${dataDir}" && "${bin}" seed --demo >/dev/null && exec "${bin}" serve`,
    cwd: root,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    env: {
      TRELLIS_DATA_DIR: dataDir,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      DATABASE_URL: "",
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      RUST_LOG: "warn",
    },
    },
  ],
});
