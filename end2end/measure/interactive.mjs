// How soon the chat page is usable: a measurement, not a test (figures go in
// docs/performance.md; nothing here passes or fails on a time).
//
// For `/c/1` holding 50 messages, in headless Chromium, it reports
// - when the messages are first painted (first contentful paint: the page is
//   server-rendered, so its first paint holds them),
// - when the page is hydrated (`data-hydrated` set on <html>), and
// - when a click on "New channel", made as soon as the page is hydrated, has
//   opened its dialog,
// each from the start of navigation, unthrottled and on a slow phone (4x CPU
// slowdown and DevTools' "Slow 4G": 562.5 ms round trips, 1.44 Mbit/s down,
// 675 kbit/s up), median and spread over several loads.
//
//   node end2end/measure/interactive.mjs [--bin target/release/banter]
//        [--site target/site] [--runs 7]
//
// It seeds its own database in a temporary directory and starts its own
// server on a free loopback port.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const options = { bin: "target/release/banter", site: "target/site", runs: 7 };
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  if (!flag.startsWith("--") || !(flag.slice(2) in options) || value === undefined) {
    console.error(`usage: node ${process.argv[1]} [--bin PATH] [--site DIR] [--runs N]`);
    process.exit(2);
  }
  options[flag.slice(2)] = flag === "--runs" ? Number(value) : value;
}
const bin = path.resolve(root, options.bin);
const site = path.resolve(root, options.site);

const profiles = [
  { name: "unthrottled" },
  {
    name: "4x CPU, Slow 4G",
    cpu: 4,
    network: {
      offline: false,
      latency: 562.5,
      downloadThroughput: (1.44 * 1024 * 1024) / 8,
      uploadThroughput: (675 * 1024) / 8,
    },
  },
];

const data = mkdtempSync(path.join(os.tmpdir(), "banter-interactive-"));
const port = await freePort();
const env = {
  ...process.env,
  BANTER_DATA_DIR: data,
  BANTER_ADDR: `127.0.0.1:${port}`,
  LEPTOS_SITE_ROOT: site,
  LEPTOS_OUTPUT_NAME: "banter",
  RUST_LOG: "warn",
};
let server;
try {
  const seeded = spawnSync(
    bin,
    ["seed", "--prefix", "tti", "--users", "2", "--messages", "50", "--out", path.join(data, "s.txt")],
    { env, encoding: "utf8" },
  );
  if (seeded.status !== 0) throw new Error(`banter seed failed:\n${seeded.stderr}`);
  // <user id> <username> <session cookie value> <channel id>
  const session = readFileSync(path.join(data, "s.txt"), "utf8").trim().split("\n")[0].split(" ")[2];

  server = spawn(bin, [], { env, stdio: "ignore" });
  await healthy(`http://127.0.0.1:${port}/healthz`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const results = {};
  for (const profile of profiles) {
    const samples = [];
    for (let run = 0; run < options.runs; run++) {
      samples.push(await load(browser, profile, session));
    }
    results[profile.name] = samples;
  }
  await browser.close();

  console.log(`${options.runs} loads of /c/1 (50 messages) each; ms from the start of navigation, median (min-max)`);
  console.log("profile".padEnd(18), "messages painted".padEnd(20), "hydrated".padEnd(20), "dialog opened");
  for (const [name, samples] of Object.entries(results)) {
    const column = (key) => summary(samples.map((s) => s[key])).padEnd(20);
    console.log(name.padEnd(18), column("painted"), column("hydrated"), summary(samples.map((s) => s.opened)));
  }
  console.log(JSON.stringify(results));
} finally {
  server?.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
}

/** One cold load: a new context (empty cache), the profile's throttling. */
async function load(browser, profile, session) {
  const context = await browser.newContext();
  await context.addCookies([
    { name: "banter_session", value: session, domain: "127.0.0.1", path: "/" },
  ]);
  // Notes when <html> is marked hydrated and when the dialog opens, by the
  // page's own clock, so that polling from here adds nothing.
  await context.addInitScript(() => {
    const marks = (window.__marks = {});
    new MutationObserver(() => {
      const html = document.documentElement;
      if (!marks.hydrated && html.dataset.hydrated === "true") marks.hydrated = performance.now();
      if (!marks.opened && document.querySelector("dialog[open]")) marks.opened = performance.now();
    }).observe(document, { attributes: true, childList: true, subtree: true });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (profile.cpu) await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
  if (profile.network) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", profile.network);
  }
  await page.goto(`http://127.0.0.1:${port}/c/1`, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__marks.hydrated !== undefined, null, { timeout: 120_000 });
  const messages = await page.locator(".message").count();
  if (messages < 50) throw new Error(`expected 50 messages on the page, found ${messages}`);
  await page.getByRole("button", { name: "New channel" }).click();
  await page.waitForFunction(() => window.__marks.opened !== undefined, null, { timeout: 60_000 });
  const sample = await page.evaluate(() => ({
    painted: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
    hydrated: window.__marks.hydrated,
    opened: window.__marks.opened,
  }));
  await context.close();
  return sample;
}

function summary(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return "-";
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${Math.round(median)} (${Math.round(sorted[0])}-${Math.round(sorted.at(-1))})`;
}

async function healthy(url) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("banter did not become healthy");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const listener = net.createServer();
    listener.on("error", reject);
    listener.listen(0, "127.0.0.1", () => {
      const { port } = listener.address();
      listener.close(() => resolve(port));
    });
  });
}
