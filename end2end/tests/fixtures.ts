import { test as base, expect, Browser, BrowserContext, Locator, Page, TestInfo } from "@playwright/test";
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");

/** A Banter server of this test run: its own port and its own database. */
export class BanterServer {
  readonly url: string;
  private process?: ChildProcess;
  private log: string[] = [];

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(env: Record<string, string> = {}): Promise<BanterServer> {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), "banter-e2e-"));
    const server = new BanterServer(port, dataDir, env);
    await server.boot();
    return server;
  }

  /** Starts (or restarts) the process and waits until it answers. */
  async boot(): Promise<void> {
    this.process = spawn(this.binary(), [], {
      cwd: root,
      env: this.environment(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer) => this.log.push(chunk.toString());
    this.process.stdout?.on("data", collect);
    this.process.stderr?.on("data", collect);
    await this.waitUntilHealthy();
  }

  private binary(): string {
    return process.env.BANTER_BIN ?? path.join(root, "target", "debug", "banter");
  }

  private environment(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      BANTER_ADDR: `127.0.0.1:${this.port}`,
      BANTER_DATA_DIR: this.dataDir,
      LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
      LEPTOS_OUTPUT_NAME: "banter",
      RUST_LOG: process.env.RUST_LOG ?? "warn",
      // Every test signs up, and some send quickly, from 127.0.0.1.
      BANTER_SIGNUPS_PER_HOUR: "100000",
      BANTER_SEND_RATE: "1000",
      BANTER_SEND_BURST: "1000",
      // A short grace delay, so that going offline shows quickly.
      BANTER_PRESENCE_GRACE_MS: "1000",

      ...this.env,
    };
  }

  /**
   * Stops the server, runs `banter seed` on its database (users named
   * `<prefix>-<n>`, and `messages` messages in General from them, plain
   * or `formatted`), and starts it again.
   */
  async seed(prefix: string, users: number, messages: number, formatted = false): Promise<void> {
    await this.stop();
    const seeder = spawn(
      this.binary(),
      [
        "seed",
        ...["--prefix", prefix, "--users", `${users}`, "--messages", `${messages}`],
        ...(formatted ? ["--formatted"] : []),
        ...["--out", path.join(this.dataDir, `${prefix}.txt`)],
      ],
      { cwd: root, env: this.environment(), stdio: ["ignore", "pipe", "pipe"] },
    );
    const output: string[] = [];
    seeder.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    seeder.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const code = await new Promise((resolve) => seeder.once("exit", resolve));
    if (code !== 0) throw new Error(`banter seed failed (${code}):\n${output.join("")}`);
    await this.boot();
  }

  /** Runs `banter admin <args>` on its database while it serves; what it printed. */
  async admin(args: string[]): Promise<string> {
    const command = spawn(this.binary(), ["admin", ...args], {
      cwd: root,
      env: this.environment(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    command.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    command.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const code = await new Promise((resolve) => command.once("exit", resolve));
    if (code !== 0) throw new Error(`banter admin ${args.join(" ")} failed (${code}):\n${output.join("")}`);
    return output.join("");
  }

  /** Stops the process and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.process?.exitCode !== null) {
        throw new Error(`banter exited early:\n${this.log.join("")}`);
      }
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`banter did not become healthy:\n${this.log.join("")}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const listener = net.createServer();
    listener.unref();
    listener.on("error", reject);
    listener.listen(0, "127.0.0.1", () => {
      const address = listener.address();
      if (address && typeof address === "object") {
        const { port } = address;
        listener.close(() => resolve(port));
      } else {
        reject(new Error("no port"));
      }
    });
  });
}

type WorkerFixtures = { server: BanterServer };
type TestFixtures = { failOnPanic: void };

/** Uncaught errors and Rust panics seen by any page of the current test. */
const crashes: string[] = [];

/** Records a page's uncaught errors and panics, to fail the test with. */
export function watchForCrashes(page: Page): void {
  page.on("pageerror", (error) => crashes.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("panicked")) {
      crashes.push(`${page.url()}: ${message.text()}`);
    }
  });
}

/** The browser contexts `chatter` opened in the running test: closed when
 * it ends, so that their pages (each a live chat with its socket) do not
 * go on using the machine through the rest of the run. */
const chatters: BrowserContext[] = [];

/** `test` with a Banter server per worker and `baseURL` pointing at it. */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  failOnPanic: [
    async ({ page }, use) => {
      crashes.length = 0;
      watchForCrashes(page);
      await use();
      await Promise.all(chatters.splice(0).map((context) => context.close()));
      expect(crashes, "uncaught errors or panics in the page").toEqual([]);
    },
    { auto: true },
  ],
  server: [
    async ({}, use) => {
      const server = await BanterServer.start();
      await use(server);
      await server.dispose();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
});

export { expect };

export const PASSWORD = "correct horse battery";

/** A username no other test uses (2–32 characters). */
export function uniqueName(prefix: string): string {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `${prefix}-${suffix}`.slice(0, 32);
}

/** Signs a new user up through the sign-up page and waits for the app. */
export async function signUp(page: Page, name: string): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  // (Attached rather than visible: on a phone the name is in the drawer.)
  await expect(page.getByText(name, { exact: true })).toBeAttached();
}

/** A new user in a browser context of their own, on the live chat page. */
export async function chatter(browser: Browser, baseURL: string | undefined, prefix: string) {
  // (Explicitly with JavaScript: a test may turn it off for its own page.)
  const context = await browser.newContext({ baseURL, javaScriptEnabled: true });
  chatters.push(context);
  context.on("page", watchForCrashes);
  const page = await context.newPage();
  const name = uniqueName(prefix);
  await signUp(page, name);
  await live(page);
  return { context, page, name };
}

/** Waits until the page is hydrated and its WebSocket is connected. */
export async function live(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator("html")).toHaveAttribute("data-link", "online");
}

/**
 * Opens (or starts) the conversation of `page`'s user with the people
 * named, from "New message": one person, or several for a group, whose
 * heading names the others as the sidebar does.
 */
export async function openConversation(page: Page, ...names: string[]): Promise<void> {
  await page.getByRole("button", { name: "New message" }).click();
  const dialog = page.getByRole("dialog", { name: "New message" });
  for (const name of names) {
    await dialog.getByRole("searchbox", { name: "Search people" }).fill(name);
    await dialog.getByRole("option", { name, exact: true }).click();
    await expect(dialog.getByRole("option", { name, exact: true })).toHaveAttribute("aria-selected", "true");
  }
  await dialog.getByRole("button", { name: "Start conversation" }).click();
  const heading = [...names].sort().join(", ");
  await expect(page.getByRole("heading", { level: 1, name: heading, exact: true })).toBeVisible();
}

/** Types a message in the composer and sends it with Enter. */
export async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

/** The messages log of the open channel. */
export function messages(page: Page) {
  return page.getByRole("log", { name: "Messages" });
}

/** The seq of the first or last message row the open channel shows. */
export async function shownSeq(page: Page, which: "first" | "last"): Promise<number> {
  return Number(await messages(page).locator(".message[data-seq]")[which]().getAttribute("data-seq"));
}

/**
 * Scrolls back to the channel's very first message, one page at a time,
 * calling `step` after each. Each step keeps the view in place (so it is no
 * longer at the top) before the next. One scroll to the top per step:
 * scrolling there again before the view has moved would take a second step.
 */
export async function walkBackToFirst(page: Page, step: () => Promise<void> = async () => {}): Promise<void> {
  const scroller = page.locator(".message-scroller");
  const quick = { intervals: [50, 100, 250] };
  let first = await shownSeq(page, "first");
  while (first > 1) {
    await scroller.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => shownSeq(page, "first"), quick).toBeLessThan(first);
    await expect.poll(() => scroller.evaluate((el) => el.scrollTop), quick).toBeGreaterThan(0);
    first = await shownSeq(page, "first");
    await step();
  }
}

/** The row of the newest message whose own text holds `text` (a reply's
 * quote of it does not count). */
export function row(page: Page, text: string): Locator {
  const own = page.locator(".message-text", { hasText: text });
  return messages(page).locator(".message", { has: own }).last();
}

/** The page is no wider than the window: nothing makes it scroll sideways. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    view: document.documentElement.clientWidth,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.view);
}

/**
 * Screenshots `page` on a desktop (1280 px) and a phone (375 px), light and
 * dark, into the test's output as `<name>-<width>-<scheme>.png`, checking
 * at each that nothing scrolls sideways; the page ends at desktop size.
 */
export async function screenshotAround(page: Page, name: string, info: TestInfo): Promise<void> {
  for (const [width, height] of [[1280, 800], [375, 740]]) {
    await page.setViewportSize({ width, height });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSidewaysScroll(page);
      await page.screenshot({ path: info.outputPath(`${name}-${width}-${scheme}.png`), animations: "disabled" });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
