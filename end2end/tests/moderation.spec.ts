import type { Page } from "@playwright/test";
import { test, expect, chatter, live, say, messages, row, expectNoSidewaysScroll } from "./fixtures";

/** Creates a channel on `page` and returns its name. */
async function newChannel(page: Page): Promise<string> {
  const channel = `mod-${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "New channel" }).click();
  await page.getByLabel("Channel name").fill(channel);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { level: 1, name: channel })).toBeVisible();
  return channel;
}

async function joinChannel(page: Page, channel: string): Promise<void> {
  await page.getByRole("button", { name: "Browse channels" }).click();
  await page.getByLabel("Search channels").fill(channel);
  await page.getByRole("button", { name: `Join ${channel}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: channel })).toBeVisible();
}

/** The open channel's members panel, opened. */
async function membersPanel(page: Page) {
  const panel = page.getByRole("complementary", { name: "Members" });
  if (!(await panel.isVisible())) {
    await page.getByRole("button", { name: "Members" }).click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

test("an owner appoints a moderator, who removes a message and bans a member; the ban is lifted", async ({
  browser,
  baseURL,
}) => {
  const owner = await chatter(browser, baseURL, "owner");
  const carol = await chatter(browser, baseURL, "carol");
  const troll = await chatter(browser, baseURL, "troll");
  const channel = await newChannel(owner.page);
  await joinChannel(carol.page, channel);
  await joinChannel(troll.page, channel);

  // The owner makes carol a moderator from the members panel.
  const panel = await membersPanel(owner.page);
  const carolRow = panel.getByRole("listitem").filter({ hasText: carol.name });
  await expect(panel.getByRole("listitem").filter({ hasText: owner.name })).toContainText("owner");
  await carolRow.getByRole("button", { name: "Make moderator" }).click();
  await expect(carolRow).toContainText("moderator");
  await expect(panel.getByRole("status")).toHaveText(`${carol.name} is now a moderator.`);

  // The troll writes in several scripts; carol, told of her role at once,
  // may remove it. Plain members may not.
  const spam = `スパム Спам سبام 🤖 ${Date.now().toString(36)}`;
  await say(troll.page, spam);
  await expect(row(carol.page, spam)).toBeVisible();
  await row(owner.page, spam).hover();
  await row(carol.page, spam).hover();
  await expect(row(carol.page, spam).getByRole("button", { name: "Remove message" })).toBeAttached();
  const ownersWords = `welcome ${Date.now().toString(36)}`;
  await say(owner.page, ownersWords);
  await expect(row(troll.page, ownersWords)).toBeVisible();
  await expect(row(troll.page, ownersWords).getByRole("button", { name: "Remove message" })).toHaveCount(0);

  await row(carol.page, spam).hover();
  await row(carol.page, spam).getByRole("button", { name: "Remove message" }).click();
  const dialog = carol.page.getByRole("dialog", { name: "Delete message?" });
  await dialog.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(dialog).toBeHidden();
  for (const page of [owner.page, carol.page, troll.page]) {
    await expect(messages(page).getByText(spam)).toHaveCount(0);
    await expect(messages(page).getByText("Message removed by a moderator")).toBeVisible();
  }

  // Carol bans the troll: the channel leaves their sidebar at once, and
  // they cannot join again.
  const carolPanel = await membersPanel(carol.page);
  const trollRow = carolPanel.getByRole("listitem").filter({ hasText: troll.name });
  await expect(trollRow.getByRole("button", { name: "Remove from channel" })).toBeVisible();
  // Nobody gets buttons against the owner.
  await expect(
    carolPanel.getByRole("listitem").filter({ hasText: owner.name }).getByRole("button"),
  ).toHaveCount(0);
  for (const scheme of ["light", "dark"] as const) {
    await carol.page.emulateMedia({ colorScheme: scheme });
    await carol.page.screenshot({ path: test.info().outputPath(`moderation-desktop-${scheme}.png`) });
  }
  await trollRow.getByRole("button", { name: "Ban from channel" }).click();
  await expect(carolPanel.getByRole("status")).toHaveText(`${troll.name} was banned from the channel.`);
  const channels = troll.page.getByRole("navigation", { name: "Channels" });
  await expect(channels.getByRole("link", { name: channel })).toHaveCount(0);
  await troll.page.getByRole("button", { name: "Browse channels" }).click();
  await troll.page.getByLabel("Search channels").fill(channel);
  await troll.page.getByRole("button", { name: `Join ${channel}` }).click();
  await expect(troll.page.getByRole("dialog").getByRole("alert")).toHaveText("you are banned from this channel");
  await troll.page.keyboard.press("Escape");

  // The ban shows to moderators, who lift it.
  const banned = carolPanel.getByRole("list", { name: "Banned" });
  await expect(banned.getByRole("listitem")).toHaveText([`${troll.name}Unban`]);
  await banned.getByRole("button", { name: "Unban" }).click();
  await expect(carolPanel.getByRole("list", { name: "Banned" })).toHaveCount(0);
  await joinChannel(troll.page, channel);

  // On a phone, the panel and its tools fit.
  const phone = await browser.newContext({
    baseURL,
    storageState: await carol.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const small = await phone.newPage();
  // (The sidebar is a drawer here: open the channel by its address.)
  await small.goto(new URL(carol.page.url()).pathname);
  await live(small);
  await expect(small.getByRole("heading", { level: 1, name: channel })).toBeVisible();
  const smallPanel = await membersPanel(small);
  await smallPanel
    .getByRole("listitem")
    .filter({ hasText: troll.name })
    .getByRole("button", { name: "Time out" })
    .click();
  await expect(smallPanel.getByRole("group", { name: `Time out ${troll.name} for` })).toBeVisible();
  await expectNoSidewaysScroll(small);
  for (const scheme of ["light", "dark"] as const) {
    await small.emulateMedia({ colorScheme: scheme });
    await small.screenshot({ path: test.info().outputPath(`moderation-phone-${scheme}.png`) });
  }
  await smallPanel.getByRole("button", { name: "10 minutes" }).click();
  await expect(smallPanel.getByRole("status")).toHaveText(`${troll.name} cannot send here for 10 minutes.`);
  await say(troll.page, "can I still talk?");
  await expect(troll.page.getByText("a moderator has stopped you sending here for 10 more minutes")).toBeVisible();
  await phone.close();
});
