import { defineConfig } from "@playwright/test";

// Each worker starts its own Banter server with a fresh database (see
// tests/fixtures.ts), so the suite needs nothing running beforehand.
export default defineConfig({
  testDir: "./tests",
  // Two workers share two cores, each with its own server and browser, and
  // some tests seed thousands of messages: leave room for a busy machine.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: 2,
  reporter: [["list"], ["html", { open: "never" }]],
  use: {
    browserName: "chromium",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
