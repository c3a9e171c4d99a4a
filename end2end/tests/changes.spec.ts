import type { Page } from "@playwright/test";
import { test, expect, chatter, say, messages } from "./fixtures";

/** `PROTOCOL_VERSION` in app/src/protocol.rs: the server refuses others. */
const PROTOCOL_VERSION = 15;

/**
 * Sends `requests` (each a function of its request id) over a socket of the
 * page's user of its own, as another client would, and returns the replies.
 * Fields travel as arrays: an answer is {"ok":[req, reply]}, a history
 * reply {"history":[channel, messages, has_older, rev]}, and a message
 * [id, channel, seq, sender, sender_name, sender_display, client_id, text, body,
 * at, rev, edited, deleted, reply_to, reactions].
 */
async function asAnotherClient(page: Page, requests: string[]): Promise<unknown[]> {
  return page.evaluate(async ([requests, version]) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/ws?v=${version}`);
    const frames: unknown[] = [];
    const waiting: ((frame: unknown) => void)[] = [];
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      const next = waiting.shift();
      if (next) next(frame);
      else frames.push(frame);
    };
    const next = () =>
      new Promise<unknown>((resolve) => {
        const frame = frames.shift();
        if (frame !== undefined) resolve(frame);
        else waiting.push(resolve);
      });
    await next(); // welcome
    const replies: unknown[] = [];
    for (const [n, request] of requests.entries()) {
      const req = 1000 + n;
      ws.send(request.replace("$req", String(req)));
      for (;;) {
        // An answer is {"ok":[req, reply]} or {"error":[req, error]}.
        const frame = (await next()) as { ok?: [number, unknown]; error?: [number, unknown] };
        if (frame.ok?.[0] === req || frame.error?.[0] === req) {
          replies.push(frame);
          break;
        }
      }
    }
    ws.close();
    return replies;
  }, [requests, PROTOCOL_VERSION] as const);
}

/** The id of the newest message of General with `text`, asked of the server. */
async function idOf(page: Page, text: string): Promise<number> {
  const [reply] = (await asAnotherClient(page, [
    '{"type":"history","req":$req,"channel":1,"page":"latest","limit":50}',
  ])) as { ok: [number, { history: [number, unknown[][], boolean, boolean, number] }] }[];
  const [, held] = reply.ok[1].history;
  const found = held.filter((m) => m[7] === text).pop();
  if (!found) throw new Error(`no message "${text}"`);
  return found[0] as number;
}

test("an edit and a delete made elsewhere show live, and after the page was away", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const stamp = Date.now().toString(36);
  const typo = `Helo ${stamp}`;
  const fixed = `Hello, 日本語 Привет العربية 🦀 ${stamp}`;
  await say(alice.page, typo);
  await expect(messages(bob.page).getByText(typo)).toBeVisible();
  const id = await idOf(alice.page, typo);

  // Live: the text changes in place, marked "(edited)".
  await asAnotherClient(alice.page, [
    `{"type":"edit","req":$req,"channel":1,"message":${id},"text":${JSON.stringify(fixed)}}`,
  ]);
  const row = messages(bob.page).locator(".message", { hasText: fixed });
  await expect(row).toBeVisible();
  await expect(row.getByText("(edited)")).toBeVisible();
  await expect(messages(bob.page).getByText(typo)).toHaveCount(0);

  // Away: bob's page loses its link while the message is deleted, then
  // catches up when it is back.
  const gone = `gone soon ${stamp}`;
  await say(alice.page, gone);
  await expect(messages(bob.page).getByText(gone)).toBeVisible();
  const goneId = await idOf(alice.page, gone);
  await bob.context.setOffline(true);
  await expect(bob.page.locator("html")).not.toHaveAttribute("data-link", "online");
  await asAnotherClient(alice.page, [
    `{"type":"delete","req":$req,"channel":1,"message":${goneId}}`,
    `{"type":"delete","req":$req,"channel":1,"message":${id}}`,
  ]);
  await expect(messages(alice.page).getByText(gone)).toHaveCount(0);
  await bob.context.setOffline(false);
  await expect(bob.page.locator("html")).toHaveAttribute("data-link", "online");
  await expect(messages(bob.page).getByText(gone)).toHaveCount(0);
  await expect(messages(bob.page).getByText(fixed)).toHaveCount(0);

  // And the server's page agrees.
  await bob.page.reload();
  await expect(bob.page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  await expect(messages(bob.page).getByText(gone)).toHaveCount(0);
});

test("changes held for a moment reach the page in one frame with the channel's next message", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const frames: string[] = [];
  bob.page.on("websocket", (ws) => ws.on("framereceived", (frame) => frames.push(String(frame.payload))));
  await bob.page.reload();
  await expect(bob.page.locator("html")).toHaveAttribute("data-link", "online");

  const stamp = Date.now().toString(36);
  const first = `React to me, 日本語 ${stamp}`;
  const next = `Right after, Привет العربية 🦀 ${stamp}`;
  await say(alice.page, first);
  await expect(messages(bob.page).getByText(first)).toBeVisible();
  const id = await idOf(alice.page, first);
  // The first reaction goes out at once; the second is held for the
  // channel's window, and goes out with the message that follows it.
  await asAnotherClient(alice.page, [
    `{"type":"react","req":$req,"channel":1,"message":${id},"emoji":"👍","add":true}`,
    `{"type":"react","req":$req,"channel":1,"message":${id},"emoji":"🎉","add":true}`,
    `{"type":"send","req":$req,"channel":1,"client_id":"${crypto.randomUUID()}","text":${JSON.stringify(next)}}`,
  ]);
  await expect(messages(bob.page).getByText(next)).toBeVisible();
  const reacted = messages(bob.page).locator(".message", { hasText: first });
  await expect(reacted.getByRole("button", { name: /^👍 1\b/ })).toBeVisible();
  await expect(reacted.getByRole("button", { name: /^🎉 1\b/ })).toBeVisible();
  const joined = frames.filter((frame) => frame.startsWith('[{"changed"'));
  expect(joined.length, "a frame of held changes and the message").toBeGreaterThan(0);
  expect(joined.some((frame) => frame.includes(JSON.stringify(next).slice(1, -1)))).toBe(true);
});
