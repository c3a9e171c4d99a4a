import {
  test,
  expect,
  BanterServer,
  chatter,
  live,
  messages,
  signUp,
  uniqueName,
  say,
  shownSeq,
  walkBackToFirst,
  openConversation,
} from "./fixtures";

test("10,000 messages: back to the first and forward again, with a bounded page", async ({ browser }) => {
  // About a minute alone; two workers on two cores, each rendering pages of
  // rows with their action bars, can take four times that.
  test.setTimeout(480_000);
  const server = await BanterServer.start();
  try {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await signUp(page, "reader");
    await server.seed("history", 3, 10_000);
    await page.goto("/");
    await live(page);

    const log = messages(page);
    const rendered = log.locator(".message");
    const scroller = page.locator(".message-scroller");
    const seq = (which: "first" | "last") => shownSeq(page, which);
    await expect(log.getByText("message 10000", { exact: true })).toBeInViewport();

    // Back to the very first message, one step at a time.
    let most = await rendered.count();
    await walkBackToFirst(page, async () => {
      most = Math.max(most, await rendered.count());
    });
    await expect(log.getByText("message 1", { exact: true })).toBeAttached();
    await expect(page.getByText("This is the beginning of the conversation.")).toBeVisible();
    expect(most).toBeLessThanOrEqual(150);

    // Forward again: the rows far above are dropped as new ones come below.
    const quick = { intervals: [50, 100, 250] };
    let last = await seq("last");
    const fromBottom = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    for (let step = 0; step < 5; step++) {
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await expect.poll(() => seq("last"), quick).toBeGreaterThan(last);
      await expect.poll(fromBottom, quick).toBeGreaterThan(0);
      last = await seq("last");
      expect(await rendered.count()).toBeLessThanOrEqual(150);
    }
    await expect(log.getByText("message 1", { exact: true })).toHaveCount(0);

    await page.getByRole("link", { name: "Jump to latest" }).click();
    await expect(log.getByText("message 10000", { exact: true })).toBeInViewport();
    expect(await rendered.count()).toBeLessThanOrEqual(150);
    await expect(page.getByRole("link", { name: "Jump to latest" })).toHaveCount(0);
  } finally {
    await server.dispose();
  }
});

test("opened at a message far back, the channel reads on down to the latest, and new messages wait their turn", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const server = await BanterServer.start();
  try {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await signUp(page, "reader");
    await server.seed("far", 3, 400);
    // Where a search result, a mention or a notification leads.
    await page.goto("/c/1?before=101#m100");
    await live(page);
    const log = messages(page);
    await expect(log.locator("#m100")).toHaveAttribute("aria-current", "true");
    await expect(log.getByText("message 100", { exact: true })).toBeInViewport();
    await expect(page.getByRole("link", { name: "Jump to latest" })).toBeVisible();

    // Someone writes meanwhile: not shown after a gap, but in its place.
    const writer = await chatter(browser, server.url, "writer");
    const news = "Привет, 日本語, العربية 🎉 written while reading far back";
    await say(writer.page, news);
    await expect(messages(writer.page).getByText(news)).toHaveCount(1);
    await expect(log.getByText(news)).toHaveCount(0);

    // Down, a step at a time, to the latest.
    const scroller = page.locator(".message-scroller");
    const quick = { intervals: [50, 100, 250] };
    let last = await shownSeq(page, "last");
    for (let step = 0; step < 40 && (await log.getByText(news).count()) === 0; step++) {
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await expect.poll(() => shownSeq(page, "last"), quick).toBeGreaterThan(last);
      last = await shownSeq(page, "last");
      const seqs = await log
        .locator(".message[data-seq]")
        .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-seq"))));
      expect(seqs.every((seq, i) => i === 0 || seq === seqs[i - 1] + 1), "in order, none twice or missing").toBe(true);
      expect(seqs.length).toBeLessThanOrEqual(150);
    }
    await expect(log.getByText(news)).toHaveCount(1);
    await expect(log.getByText("message 400", { exact: true })).toHaveCount(1);

    // At the latest, the channel is live again.
    await say(writer.page, "and now live");
    await expect(log.getByText("and now live")).toBeInViewport();
    await expect(page.getByRole("link", { name: "Jump to latest" })).toHaveCount(0);

    // From far back again, "Jump to latest" loads the latest at once; what
    // is sent from there goes after it.
    await page.goto("/c/1?before=51#m50");
    await live(page);
    await expect(log.getByText("message 50", { exact: true })).toBeInViewport();
    await page.getByRole("link", { name: "Jump to latest" }).click();
    await expect(log.getByText("and now live")).toBeInViewport();
    await page.goto("/c/1?before=31#m30");
    await live(page);
    await say(page, "sent from far back");
    await expect(log.getByText("sent from far back")).toBeInViewport();
    await expect(log.getByText("sent from far back")).toHaveCount(1);
    await expect(log.getByText("and now live")).toHaveCount(1);
  } finally {
    await server.dispose();
  }
});

test("the first unread message is marked, and the mark stays while reading", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await say(alice.page, "read already");
  await expect(messages(bob.page).getByText("read already")).toBeVisible();

  // Bob leaves; Alice writes two more; Bob comes back to them.
  await bob.page.goto("about:blank");
  await say(alice.page, "new one");
  await say(alice.page, "and another");
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(0);
  await bob.page.goto("/");
  await live(bob.page);
  const divider = messages(bob.page).getByRole("separator", { name: "New messages" });
  await expect(divider).toBeVisible();
  // The divider sits right above "new one".
  const below = await divider.evaluate((el) => el.nextElementSibling?.textContent ?? "");
  expect(below).toContain("new one");
  // Reading marks the channel read, yet the divider stays while Bob is here.
  await say(alice.page, "live now");
  await expect(messages(bob.page).getByText("live now")).toBeVisible();
  await expect(divider).toHaveCount(1);
});

test("more unread than a page: a bar jumps to the first unread message", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(alice.page, bob.name);
  const conversation = new URL(alice.page.url()).pathname.split("/").pop() ?? "";
  for (let i = 1; i <= 200; i++) {
    const response = await alice.page.request.post(`/channels/${conversation}/messages`, {
      multipart: { client_id: crypto.randomUUID(), text: `unread ${i}` },
    });
    expect(response.ok()).toBeTruthy();
  }

  const direct = bob.page.getByRole("navigation", { name: "Direct messages" });
  await expect(direct.getByLabel("more than 99 unread")).toBeVisible();
  await direct.getByRole("link", { name: alice.name }).click();
  const log = messages(bob.page);
  await expect(log.getByText("unread 200", { exact: true })).toBeVisible();
  await expect(log.getByText("unread 1", { exact: true })).toHaveCount(0);
  await expect(bob.page.getByText("200 new messages")).toBeVisible();

  await bob.page.getByRole("link", { name: "Jump to first unread" }).click();
  const divider = log.getByRole("separator", { name: "New messages" });
  await expect(divider).toBeInViewport();
  await expect(log.getByText("unread 1", { exact: true })).toBeInViewport();
  const below = await divider.evaluate((el) => el.nextElementSibling?.textContent ?? "");
  expect(below).toMatch(/unread 1(?!\d)/);
  await expect(bob.page.getByRole("link", { name: "Jump to first unread" })).toHaveCount(0);

  await bob.page.getByRole("link", { name: "Jump to latest" }).click();
  await expect(log.getByText("unread 200", { exact: true })).toBeInViewport();
  // Everything is held now: scrolling reaches the divider, and the bar stays away.
  await expect(bob.page.getByRole("link", { name: "Jump to first unread" })).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("read any channel, page back to older messages, and post with a form", async ({ page, browser, baseURL }) => {
    const name = uniqueName("plain");
    await signUp(page, name);
    await expect(page).toHaveURL("/");

    // A friend (with JavaScript) writes to them privately.
    const friend = await chatter(browser, baseURL, "friend");
    await openConversation(friend.page, name);
    await say(friend.page, "psst, plain reader");
    await expect(messages(friend.page).getByText("Sending…")).toHaveCount(0);

    // The conversation is in the server-rendered sidebar; its link opens it.
    await page.reload();
    await page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: friend.name }).click();
    await expect(page.getByRole("heading", { level: 1, name: friend.name })).toBeVisible();
    await expect(messages(page).getByText("psst, plain reader")).toBeVisible();

    // 70 messages in the conversation: the page shows the latest 50, and a
    // link leads to the ones before.
    const conversation = new URL(page.url()).pathname.split("/").pop() ?? "";
    for (let i = 1; i <= 70; i++) {
      const response = await page.request.post(`/channels/${conversation}/messages`, {
        multipart: { client_id: crypto.randomUUID(), text: `note ${i}` },
      });
      expect(response.ok()).toBeTruthy();
    }
    await page.reload();
    const log = messages(page);
    await expect(log.getByText("note 70", { exact: true })).toBeVisible();
    await expect(log.getByText("note 20", { exact: true })).toHaveCount(0);
    await page.getByRole("link", { name: "Older messages" }).click();
    await expect(page).toHaveURL(/\?before=\d+$/);
    await expect(log.getByText("note 20", { exact: true })).toBeVisible();
    await expect(log.getByText("psst, plain reader")).toBeVisible();
    await expect(page.getByText("This is the beginning of the conversation.")).toBeVisible();
    await page.getByRole("link", { name: "Jump to latest" }).click();
    await expect(log.getByText("note 70", { exact: true })).toBeVisible();

    // Posting is a plain form; even from older messages it comes back to
    // the latest ones, where the new message is.
    await page.getByRole("link", { name: "Older messages" }).click();
    await expect(log.getByText("note 20", { exact: true })).toBeVisible();
    await page.getByRole("textbox", { name: "Message" }).fill("sent without scripts");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page).toHaveURL(new RegExp(`/c/${conversation}$`));
    await expect(log.getByText("sent without scripts")).toBeVisible();
    await expect(log.getByText("note 20", { exact: true })).toHaveCount(0);
    await expect(messages(friend.page).getByText("sent without scripts")).toBeVisible();
  });
});
