import type { Page } from "@playwright/test";
import { test, expect, chatter, say, messages, live, openConversation } from "./fixtures";

test("a message appears live for the other user", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");

  await say(alice.page, "Hello from Alice");
  await expect(messages(bob.page).getByText("Hello from Alice")).toBeVisible();
  // The sender's message is stored, not left pending.
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(0);

  // Shift+Enter makes a new line; Enter sends.
  const box = bob.page.getByRole("textbox", { name: "Message" });
  await box.fill("first line");
  await box.press("Shift+Enter");
  await box.pressSequentially("second line");
  await box.press("Enter");
  await expect(box).toHaveValue("");
  await expect(box).toBeFocused();
  await expect(messages(alice.page).getByText("first line\nsecond line")).toBeVisible();
});

test("one creates a channel and the other finds and joins it", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const channel = `room-${Date.now().toString(36)}`;

  await alice.page.getByRole("button", { name: "New channel" }).click();
  await alice.page.getByLabel("Channel name").fill(channel);
  await alice.page.getByRole("button", { name: "Create" }).click();
  await expect(alice.page.getByRole("heading", { level: 1, name: channel })).toBeVisible();
  await expect(alice.page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: channel })).toBeVisible();

  await bob.page.getByRole("button", { name: "Browse channels" }).click();
  await bob.page.getByLabel("Search channels").fill(channel);
  await bob.page.getByRole("button", { name: `Join ${channel}` }).click();
  await expect(bob.page.getByRole("heading", { level: 1, name: channel })).toBeVisible();

  await say(bob.page, "Bob is here");
  await expect(messages(alice.page).getByText("Bob is here")).toBeVisible();
});

test("a private conversation appears live with its unread count", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");

  await openConversation(bob.page, alice.name);
  await say(bob.page, "psst, just for you");

  const direct = alice.page.getByRole("navigation", { name: "Direct messages" });
  await expect(direct.getByRole("link", { name: bob.name })).toBeVisible();
  await expect(direct.getByLabel("1 unread")).toBeVisible();

  await direct.getByRole("link", { name: bob.name }).click();
  await expect(messages(alice.page).getByText("psst, just for you")).toBeVisible();
  await expect(direct.getByLabel("1 unread")).toHaveCount(0);
});

test("opening a channel marks it read on the user's other tabs", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const otherTab = await alice.context.newPage();
  await otherTab.goto("/");
  await live(otherTab);
  const bob = await chatter(browser, baseURL, "bob");

  // Alice looks at her conversation with Bob in both tabs...
  await openConversation(bob.page, alice.name);
  await say(bob.page, "one");
  const unread = (page: Page) => page.getByRole("navigation", { name: "Direct messages" }).getByLabel("1 unread");
  await expect(unread(alice.page)).toBeVisible();
  await expect(unread(otherTab)).toBeVisible();

  // ...opens it in one, and the other tab's count clears too.
  await alice.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: bob.name }).click();
  await expect(unread(otherTab)).toHaveCount(0);

  // Messages read as they arrive, in a quick burst: the server ends up
  // knowing the last one was read, so a fresh page shows nothing unread.
  for (const text of ["two", "three", "four"]) await say(bob.page, text);
  await expect(messages(alice.page).getByText("four")).toBeVisible();
  await expect(async () => {
    await otherTab.reload();
    await expect(otherTab.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: bob.name })).toBeVisible();
    await expect(otherTab.getByRole("navigation", { name: "Direct messages" }).getByLabel(/unread/)).toHaveCount(0);
  }).toPass({ intervals: [250, 500, 1000] });
});


test("script and image payloads show as text", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const dialogs: string[] = [];
  bob.page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  const payloads = ["<script>alert('xss')</script>", '<img src=x onerror="alert(1)">'];
  for (const payload of payloads) {
    await say(alice.page, payload);
    await expect(messages(bob.page).getByText(payload, { exact: true })).toBeVisible();
  }
  // Also after a reload, rendered by the server.
  await bob.page.reload();
  for (const payload of payloads) {
    await expect(messages(bob.page).getByText(payload, { exact: true })).toBeVisible();
  }
  await expect(messages(bob.page).locator("img, script")).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test("scrolling up loads older messages and keeps the view in place", async ({ browser, baseURL }) => {
  test.slow(); // 120 messages are posted first, one by one
  const alice = await chatter(browser, baseURL, "alice");

  // 120 messages, through the plain form endpoint.
  for (let i = 1; i <= 120; i++) {
    const response = await alice.page.request.post("/channels/1/messages", {
      multipart: { client_id: crypto.randomUUID(), text: `history ${i}` },
    });
    expect(response.ok()).toBeTruthy();
  }
  await alice.page.goto("/c/1");
  await live(alice.page);
  const log = messages(alice.page);
  await expect(log.getByText("history 120", { exact: true })).toBeInViewport();
  await expect(log.getByText("history 71", { exact: true })).toBeAttached();
  await expect(log.getByText("history 70", { exact: true })).toHaveCount(0);

  // Scroll to the top: the previous page arrives above, and "history 71"
  // stays where it was instead of jumping away.
  const scroller = alice.page.locator(".message-scroller");
  const anchor = log.getByText("history 71", { exact: true });
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await expect(log.getByText("history 21", { exact: true })).toBeAttached();
  await expect(anchor).toBeInViewport();
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await expect(log.getByText("history 1", { exact: true })).toBeAttached();
  await expect(alice.page.getByText("This is the beginning of the conversation.")).toBeVisible();
});

test("an empty message is not sent and an over-long one is refused clearly", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const box = alice.page.getByRole("textbox", { name: "Message" });
  const mine = messages(alice.page).locator(".message", { hasText: alice.name });
  await box.fill("   ");
  await box.press("Enter");
  await box.fill("x".repeat(5001));
  await box.press("Enter");
  await expect(alice.page.getByRole("alert")).toHaveText("a message can be at most 5000 characters");
  // Nothing was sent: a message that is sent shows her name.
  await say(alice.page, "a real one");
  await expect(messages(alice.page).getByText("a real one")).toBeVisible();
  await expect(mine).toHaveCount(1);
});

test("each channel keeps its own draft, and an error stays with its channel", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const page = alice.page;
  const box = page.getByRole("textbox", { name: "Message" });
  const channels = page.getByRole("navigation", { name: "Channels" });
  const room = `drafts-${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "New channel" }).click();
  await page.getByLabel("Channel name").fill(room);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { level: 1, name: room })).toBeVisible();

  const tooLong = "y".repeat(5001);
  await box.fill(tooLong);
  await box.press("Enter");
  await expect(page.getByRole("alert")).toHaveText("a message can be at most 5000 characters");

  await channels.getByRole("link", { name: "General" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  await expect(box).toHaveValue("");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await box.fill("a thought for General");

  await channels.getByRole("link", { name: room }).click();
  await expect(page.getByRole("heading", { level: 1, name: room })).toBeVisible();
  await expect(box).toHaveValue(tooLong);
  await expect(page.getByRole("alert")).toHaveText("a message can be at most 5000 characters");
  await box.fill("shorter now");
  await box.press("Enter");
  await expect(messages(page).getByText("shorter now")).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);

  await channels.getByRole("link", { name: "General" }).click();
  await expect(box).toHaveValue("a thought for General");
  await box.press("Enter");
  await expect(messages(page).getByText("a thought for General")).toBeVisible();
  await expect(box).toHaveValue("");
});
