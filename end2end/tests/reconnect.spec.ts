import { test, expect, chatter, say, messages, live, openConversation, BanterServer } from "./fixtures";
import { Page } from "@playwright/test";

/** The texts of the messages in the open channel, in order. */
async function texts(page: Page): Promise<string[]> {
  return messages(page).locator(".message-text").allTextContents();
}

test("offline, each side writes; back online, both see all five once and in order", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(alice.page, bob.name);
  await say(alice.page, "before");
  await bob.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: alice.name }).click();
  await expect(messages(bob.page).getByText("before")).toBeVisible();

  await alice.context.setOffline(true);
  await expect(alice.page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible();
  for (const text of ["bob 1", "bob 2", "bob 3"]) {
    await say(bob.page, text);
  }
  for (const text of ["alice 1", "alice 2"]) {
    await say(alice.page, text);
  }
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(2);

  await alice.context.setOffline(false);
  await live(alice.page);
  const all = ["before", "bob 1", "bob 2", "bob 3", "alice 1", "alice 2"];
  await expect.poll(() => texts(alice.page)).toEqual(all);
  await expect.poll(() => texts(bob.page)).toEqual(all);
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(0);
  await expect(alice.page.getByRole("status").filter({ hasText: "Reconnecting…" })).toHaveCount(0);
});

test("the presence dot follows the other person", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(bob.page, alice.name);

  const dot = bob.page.getByRole("navigation", { name: "Direct messages" }).getByRole("img", { name: "online" });
  await expect(dot).toBeVisible();

  await alice.context.close();
  await expect(
    bob.page.getByRole("navigation", { name: "Direct messages" }).getByRole("img", { name: "offline" }),
  ).toBeVisible();
  await expect(dot).toHaveCount(0);
});

test("the typing status appears and goes away", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(alice.page, bob.name);
  await bob.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: alice.name }).click();

  const status = bob.page.getByRole("status").filter({ hasText: "is typing" });
  await alice.page.getByRole("textbox", { name: "Message" }).pressSequentially("hel");
  await expect(status).toHaveText(`${alice.name} is typing…`);
  // Never shown to the typist.
  await expect(alice.page.getByRole("status").filter({ hasText: "is typing" })).toHaveCount(0);

  // Emptying the box clears it.
  await alice.page.getByRole("textbox", { name: "Message" }).fill("");
  await alice.page.getByRole("textbox", { name: "Message" }).press("Backspace");
  await expect(status).toHaveCount(0);

  // So does sending.
  await alice.page.getByRole("textbox", { name: "Message" }).pressSequentially("hello");
  await expect(status).toBeVisible();
  await alice.page.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(messages(bob.page).getByText("hello")).toBeVisible();
  await expect(status).toHaveCount(0);
});

test("a message written offline survives a reload and is sent once", async ({ browser, baseURL }) => {
  test.slow(); // three page loads, one of them with a socket that never answers
  const alice = await chatter(browser, baseURL, "alice");

  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(alice.page, bob.name);

  // The socket is cut (a stand-in that never answers): the message waits.
  let cut = true;
  await alice.context.routeWebSocket(/\/ws/, (socket) => {
    if (!cut) socket.connectToServer();
  });
  await alice.page.reload();
  await say(alice.page, "kept across a reload");
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(1);

  // The real socket is back; after a reload the message goes out, once.
  cut = false;
  await alice.page.reload();

  await live(alice.page);
  await expect(messages(alice.page).getByText("kept across a reload")).toHaveCount(1);
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(0);
  await bob.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: alice.name }).click();
  await expect(messages(bob.page).getByText("kept across a reload")).toHaveCount(1);
});

test.describe("with its own server", () => {
  test("the page recovers by itself when the server restarts", async ({ browser }) => {
    const server = await BanterServer.start();
    try {
      const alice = await chatter(browser, server.url, "alice");
      const bob = await chatter(browser, server.url, "bob");
      await say(alice.page, "before the restart");
      await expect(messages(bob.page).getByText("before the restart")).toBeVisible();

      await server.stop();
      await expect(bob.page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible();
      await server.boot();

      await live(alice.page);
      await live(bob.page);
      await say(alice.page, "after the restart");
      await expect(messages(bob.page).getByText("after the restart")).toBeVisible();
      await expect(messages(bob.page).getByText("before the restart")).toHaveCount(1);
    } finally {
      await server.dispose();
    }
  });
});

test("code the page fetches later is fetched again when a download fails, and the page goes on", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  // From now on every chunk of the page's code fails to download, as while
  // the server restarts or the network drops: the parts fetched at once
  // and those fetched ahead once the page is idle.
  let failed = 0;
  const chunk = /\/pkg\/(split_|chunk_)[^/]*\.wasm$/;
  await alice.context.route(chunk, (route) => {
    failed += 1;
    return route.abort("connectionrefused");
  });
  await alice.page.reload();
  await live(alice.page);
  await expect.poll(() => failed, { message: "chunks the page asked for" }).toBeGreaterThan(2);

  // The network is back: what was wanted arrives without a reload.
  await alice.context.unroute(chunk);
  await alice.page.getByRole("button", { name: "Members" }).click();
  await expect(alice.page.getByRole("complementary", { name: "Members" })).toBeVisible();
  await say(alice.page, "Привет, 日本語 and العربية after the outage 🎉");
  await expect(messages(alice.page).getByText("after the outage")).toHaveCount(1);
});
