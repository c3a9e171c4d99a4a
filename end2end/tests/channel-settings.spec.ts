import type { Locator, Page } from "@playwright/test";
import { test, expect, chatter, live, say, row, expectNoSidewaysScroll, openConversation } from "./fixtures";

/** Creates a channel on `page`, private if asked, and returns its name. */
async function newChannel(page: Page, prefix: string, priv = false): Promise<string> {
  const channel = `${prefix}-${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "New channel" }).click();
  await page.getByLabel("Channel name").fill(channel);
  if (priv) {
    await page.getByRole("checkbox", { name: "Private channel" }).check();
  }
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { level: 1, name: channel })).toBeVisible();
  return channel;
}

async function openSettings(page: Page) {
  await page.getByRole("button", { name: "Channel settings" }).click();
  const dialog = page.getByRole("dialog", { name: "Channel settings" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("a private channel: invisible to others until a member invites them, who see it at once", async ({
  browser,
  baseURL,
}) => {
  const owner = await chatter(browser, baseURL, "owner");
  const guest = await chatter(browser, baseURL, "guest");
  const other = await chatter(browser, baseURL, "other");
  const channel = await newChannel(owner.page, "secret", true);
  await expect(owner.page.locator(".channel-meta")).toContainText("Private");
  const words = `秘密 секрет سر 🤫 ${Date.now().toString(36)}`;
  await say(owner.page, words);
  await expect(row(owner.page, words)).toBeVisible();

  // Others do not find it in the directory.
  await other.page.getByRole("button", { name: "Browse channels" }).click();
  await other.page.getByLabel("Search channels").fill(channel);
  await expect(other.page.getByRole("dialog").getByText("No channels match.")).toBeVisible();
  await other.page.keyboard.press("Escape");

  // The owner invites the guest by picking them from a list of options.
  const dialog = await openSettings(owner.page);
  await expect(dialog.getByRole("checkbox", { name: "Private channel" })).toBeChecked();
  await expect(dialog.getByRole("checkbox", { name: "Private channel" })).toBeDisabled();
  await dialog.getByRole("searchbox", { name: "Find people" }).fill(guest.name);
  const options = dialog.getByRole("listbox", { name: "People to invite" });
  const option = options.getByRole("option", { name: guest.name });
  await expect(option).toHaveAttribute("aria-selected", "false");
  await option.click();
  await expect(option).toHaveAttribute("aria-selected", "true");
  await expect(dialog.getByRole("button", { name: `Remove ${guest.name}` })).toBeVisible();
  for (const scheme of ["light", "dark"] as const) {
    await owner.page.emulateMedia({ colorScheme: scheme });
    await owner.page.screenshot({ path: test.info().outputPath(`settings-invite-desktop-${scheme}.png`) });
  }
  await dialog.getByRole("button", { name: "Invite people" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Invited" })).toHaveText("Invited 1 person.");

  // The guest sees it at once, and reads it.
  const sidebar = guest.page.getByRole("navigation", { name: "Channels" });
  await sidebar.getByRole("link", { name: channel }).click();
  await expect(guest.page.getByRole("heading", { level: 1, name: channel })).toBeVisible();
  await expect(row(guest.page, words)).toBeVisible();
  // The other still cannot see it.
  await expect(other.page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name: channel })).toHaveCount(0);
});

test("the owner sets the topic, renames and archives a channel; members see it live; a member cannot", async ({
  browser,
  baseURL,
}) => {
  const owner = await chatter(browser, baseURL, "owner");
  const member = await chatter(browser, baseURL, "member");
  const channel = await newChannel(owner.page, "room");
  await member.page.getByRole("button", { name: "Browse channels" }).click();
  await member.page.getByLabel("Search channels").fill(channel);
  await member.page.getByRole("button", { name: `Join ${channel}` }).click();
  await expect(member.page.getByRole("heading", { level: 1, name: channel })).toBeVisible();

  // A member sees the settings but cannot change the name or topic.
  const memberDialog = await openSettings(member.page);
  await expect(memberDialog.getByRole("textbox", { name: "Topic" })).toBeDisabled();
  await expect(memberDialog.getByRole("button", { name: "Archive channel" })).toBeDisabled();
  await member.page.keyboard.press("Escape");

  const dialog = await openSettings(owner.page);
  const topic = "Releases · 日本語 · Привет · العربية 🚀";
  await dialog.getByRole("textbox", { name: "Topic" }).fill(topic);
  const renamed = `${channel}-x`;
  await dialog.getByRole("textbox", { name: "Name" }).fill(renamed);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  for (const page of [owner.page, member.page]) {
    await expect(page.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
    await expect(page.locator(".channel-topic")).toHaveText(topic);
  }
  // On a desktop the header stays one row, the long topic cut short.
  await owner.page.keyboard.press("Escape");
  const middle = async (locator: Locator) => {
    const box = await locator.boundingBox();
    expect(box).not.toBeNull();
    return box!.y + box!.height / 2;
  };
  const headerRow = await middle(owner.page.getByRole("heading", { level: 1 }));
  for (const name of ["Members", "Channel settings"]) {
    const button = owner.page.getByRole("button", { name, exact: true });
    expect(Math.abs((await middle(button)) - headerRow)).toBeLessThan(12);
  }
  await openSettings(owner.page);

  // Archived: nobody can write in it; restored, they can again.
  await dialog.getByRole("button", { name: "Archive channel" }).click();
  await expect(dialog.getByRole("button", { name: "Restore channel" })).toBeVisible();
  await owner.page.keyboard.press("Escape");
  for (const page of [owner.page, member.page]) {
    await expect(page.getByText("This channel is archived")).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Message" })).toHaveCount(0);
  }
  for (const scheme of ["light", "dark"] as const) {
    await member.page.emulateMedia({ colorScheme: scheme });
    await member.page.screenshot({ path: test.info().outputPath(`settings-archived-desktop-${scheme}.png`) });
  }
  const again = await openSettings(owner.page);
  await again.getByRole("button", { name: "Restore channel" }).click();
  await expect(again.getByRole("button", { name: "Archive channel" })).toBeVisible();
  await owner.page.keyboard.press("Escape");
  await say(member.page, "back again");
  await expect(row(owner.page, "back again")).toBeVisible();

  // On a phone, the dialog fits.
  const phone = await browser.newContext({
    baseURL,
    storageState: await owner.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const small = await phone.newPage();
  await small.goto(new URL(owner.page.url()).pathname);
  await live(small);
  await expect(small.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
  await expectNoSidewaysScroll(small);
  await small.screenshot({ path: test.info().outputPath("settings-phone-header.png") });
  const smallDialog = await openSettings(small);
  await expectNoSidewaysScroll(small);
  for (const scheme of ["light", "dark"] as const) {
    await small.emulateMedia({ colorScheme: scheme });
    await small.screenshot({ path: test.info().outputPath(`settings-phone-${scheme}.png`) });
  }
  await expect(smallDialog.getByRole("textbox", { name: "Topic" })).toHaveValue(topic);
  await phone.close();
});

test("leaving a conversation hides it in every tab until the other writes again", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(bob.page, alice.name);
  await say(bob.page, "日本語 Привет");

  const other = await alice.context.newPage();
  await other.goto("/c/1");
  await live(other);
  const links = [alice.page, other].map((page) =>
    page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: bob.name }),
  );
  await links[0].click();
  await expect(row(alice.page, "日本語 Привет")).toBeVisible();
  await expect(links[1]).toBeVisible();

  await alice.page.getByRole("button", { name: "Channel settings" }).click();
  const dialog = alice.page.getByRole("dialog", { name: "Conversation settings" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("textbox", { name: "Topic" })).toHaveCount(0);
  for (const scheme of ["light", "dark"] as const) {
    await alice.page.emulateMedia({ colorScheme: scheme });
    await dialog.screenshot({ path: test.info().outputPath(`conversation-settings-${scheme}.png`) });
  }
  await dialog.getByRole("button", { name: "Leave conversation" }).click();
  await expect(alice.page).toHaveURL(/\/c\/1$/);
  for (const link of links) await expect(link).toHaveCount(0);

  // Bob writes again: it is back in both tabs, unread.
  await say(bob.page, "العربية 🦀");
  for (const link of links) await expect(link).toBeVisible();
  await expect(alice.page.getByRole("navigation", { name: "Direct messages" }).getByLabel("1 unread")).toBeVisible();
  await links[0].click();
  await expect(row(alice.page, "العربية 🦀")).toBeVisible();
  await other.close();
});
