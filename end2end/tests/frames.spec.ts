import { writeFileSync } from "node:fs";
import { test, expect, BanterServer, live, messages, signUp, shownSeq, walkBackToFirst } from "./fixtures";

// Formatting must not slow the history down: the same walk back through
// 10,000 seeded messages, plain and then formatted (emphasis, code, links,
// quotes, lists, code blocks, four scripts), with every animation frame's
// length recorded. The figures are reported (in the test's output, and in
// test-results/frames-*.json), never asserted: a timed assertion fails on
// a busy machine, not on slow code. docs/performance.md has them.
test.describe.configure({ mode: "serial" });

for (const kind of ["plain", "formatted"] as const) {
  test(`10,000 ${kind} messages: the frame times of scrolling back through them all`, async ({ browser }) => {
    test.setTimeout(480_000);
    const server = await BanterServer.start();
    try {
      const context = await browser.newContext({ baseURL: server.url });
      const page = await context.newPage();
      await signUp(page, "reader");
      await server.seed("frames", 3, 10_000, kind === "formatted");
      await page.goto("/");
      await live(page);

      const log = messages(page);
      await expect.poll(() => shownSeq(page, "last")).toBe(10_000);
      if (kind === "formatted") {
        // Formatted indeed: every kind of mark is on the page.
        for (const tag of ["strong", "em", "del", "code", "pre", "blockquote", "ul", "a"]) {
          await expect(log.locator(`.message-text ${tag}`).first()).toBeAttached();
        }
      }

      await page.evaluate(() => {
        const w = window as any;
        w.__frames = [];
        w.__recording = true;
        // Where the long frames' time goes: script (the WebAssembly
        // rendering rows) or style and layout (the browser placing them).
        w.__long = { count: 0, total: 0, script: 0, layout: 0 };
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as any[]) {
            w.__long.count += 1;
            w.__long.total += entry.duration;
            w.__long.script += (entry.scripts ?? []).reduce((sum: number, s: any) => sum + s.duration, 0);
            if (entry.styleAndLayoutStart) w.__long.layout += entry.startTime + entry.duration - entry.styleAndLayoutStart;
          }
        }).observe({ type: "long-animation-frame", buffered: false });
        let last = performance.now();
        const tick = (now: number) => {
          w.__frames.push(now - last);
          last = now;
          if (w.__recording) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const started = Date.now();
      await walkBackToFirst(page);
      const [frames, long] = await page.evaluate(() => {
        const w = window as any;
        w.__recording = false;
        return [w.__frames as number[], w.__long];
      });
      await expect(page.getByText("This is the beginning of the conversation.")).toBeVisible();

      const sorted = [...frames].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
      const report = {
        kind,
        seconds: (Date.now() - started) / 1000,
        frames: frames.length,
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        longest: sorted[sorted.length - 1],
        over50ms: frames.filter((f) => f > 50).length,
        longFrames: { count: long.count, ms: Math.round(long.total), scriptMs: Math.round(long.script), layoutMs: Math.round(long.layout) },
      };
      console.log(`frames ${JSON.stringify(report)}`);
      writeFileSync(test.info().outputPath(`frames-${kind}.json`), JSON.stringify(report, null, 2));
      expect(report.frames).toBeGreaterThan(0);
    } finally {
      await server.dispose();
    }
  });
}
