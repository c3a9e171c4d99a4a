import type { Page } from "@playwright/test";
import { test, expect, chatter, say, row, openConversation, screenshotAround } from "./fixtures";

function directMessages(page: Page) {
  return page.getByRole("navigation", { name: "Direct messages" });
}

async function conversationSettings(page: Page) {
  await page.getByRole("button", { name: "Channel settings" }).click();
  const dialog = page.getByRole("dialog", { name: "Conversation settings" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("a group conversation: started by picking several people, live for all, named, grown and left", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const carol = await chatter(browser, baseURL, "carol");
  const dave = await chatter(browser, baseURL, "dave");

  // Alice picks two people in "New message": several options at once.
  await alice.page.getByRole("button", { name: "New message" }).click();
  const dialog = alice.page.getByRole("dialog", { name: "New message" });
  const list = dialog.getByRole("listbox", { name: "People" });
  await expect(list).toHaveAttribute("aria-multiselectable", "true");
  await openConversationFrom(alice.page, bob.name, carol.name);
  await expect(alice.page.locator(".channel-meta")).toContainText("3 members");
  const words = `日本語 Привет العربية 🦀 ${Date.now().toString(36)}`;
  await say(alice.page, words);

  // Bob sees it at once, named by the others in it, with its unread count.
  const forBob = directMessages(bob.page).getByRole("link", { name: `${alice.name}, ${carol.name}` });
  await expect(forBob).toBeVisible();
  await expect(directMessages(bob.page).getByLabel("1 unread")).toBeVisible();
  await forBob.click();
  await expect(row(bob.page, words)).toBeVisible();

  // Starting it again with the same people opens the same conversation.
  await openConversation(carol.page, alice.name, bob.name);
  await expect(row(carol.page, words)).toBeVisible();

  // Carol names it: everyone's sidebar follows.
  const settings = await conversationSettings(carol.page);
  await expect(settings.getByRole("textbox", { name: "Name" })).toHaveValue("");
  await carol.page.emulateMedia({ colorScheme: "dark" });
  await carol.page.screenshot({ path: test.info().outputPath("group-settings-dark.png") });
  await settings.getByRole("textbox", { name: "Name" }).fill("Café ☕ 日本");
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await carol.page.keyboard.press("Escape");
  await expect(directMessages(bob.page).getByRole("link", { name: "Café ☕ 日本" })).toBeVisible();
  await expect(alice.page.getByRole("heading", { level: 1, name: "Café ☕ 日本" })).toBeVisible();

  // Bob adds Dave, who sees it at once, history and all.
  const adding = await conversationSettings(bob.page);
  await adding.getByRole("searchbox", { name: "Find people" }).fill(dave.name);
  await adding.getByRole("listbox", { name: "People to add" }).getByRole("option", { name: dave.name }).click();
  await adding.getByRole("button", { name: "Add people" }).click();
  await expect(adding.getByRole("status").filter({ hasText: "Added" })).toHaveText("Added 1 person.");
  await bob.page.keyboard.press("Escape");
  await directMessages(dave.page).getByRole("link", { name: "Café ☕ 日本" }).click();
  await expect(row(dave.page, words)).toBeVisible();
  await expect(alice.page.locator(".channel-meta")).toContainText("4 members");

  await screenshotAround(alice.page, "group", test.info());

  // Dave leaves: it goes from his sidebar, and he hears nothing more of it.
  const leaving = await conversationSettings(dave.page);
  await leaving.getByRole("button", { name: "Leave conversation" }).click();
  await expect(directMessages(dave.page).getByRole("link", { name: "Café ☕ 日本" })).toHaveCount(0);
  await expect(alice.page.locator(".channel-meta")).toContainText("3 members");
  const after = `after dave ${Date.now().toString(36)}`;
  await say(alice.page, after);
  await expect(row(bob.page, after)).toBeVisible();
  await expect(directMessages(dave.page).getByRole("link", { name: "Café ☕ 日本" })).toHaveCount(0);
});

/** Picks each person in the open "New message" dialog and starts the conversation. */
async function openConversationFrom(page: Page, ...names: string[]) {
  const dialog = page.getByRole("dialog", { name: "New message" });
  for (const name of names) {
    await dialog.getByRole("searchbox", { name: "Search people" }).fill(name);
    await dialog.getByRole("option", { name, exact: true }).click();
  }
  await expect(dialog.getByRole("list", { name: "Picked" }).getByRole("listitem")).toHaveCount(names.length);
  await expect(dialog.getByText("A group of 3 people, you included.")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("group-new-message.png") });
  await dialog.getByRole("button", { name: "Start conversation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: [...names].sort().join(", ") })).toBeVisible();
}
