import type { Page } from "@playwright/test";
import { test, expect, chatter, say, messages, row, signUp, uniqueName } from "./fixtures";

/** Points at a message so that its actions show, and presses one. */
async function act(page: Page, text: string, action: string): Promise<void> {
  const message = row(page, text);
  await message.hover();
  await message.getByRole("button", { name: action, exact: true }).click();
}

test("edit your message in place: Enter saves, Escape cancels, the up arrow edits the last", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const stamp = Date.now().toString(36);
  const typo = `Helo wrold ${stamp}`;
  const fixed = `Hello, world: 日本語 Привет العربية 🦀 ${stamp}`;
  await say(alice.page, typo);
  await expect(row(bob.page, typo)).toBeVisible();

  // Only one's own messages offer editing and deleting.
  await row(bob.page, typo).hover();
  await expect(row(bob.page, typo).getByRole("button", { name: "Add reaction" })).toBeVisible();
  await expect(row(bob.page, typo).getByRole("button", { name: "Reply" })).toBeVisible();
  await expect(row(bob.page, typo).getByRole("button", { name: "Edit message" })).toHaveCount(0);
  await expect(row(bob.page, typo).getByRole("button", { name: "Delete message" })).toHaveCount(0);

  await act(alice.page, typo, "Edit message");
  const box = alice.page.getByRole("textbox", { name: "Edit message" });
  await expect(box).toBeFocused();
  await expect(box).toHaveValue(typo);
  await box.fill(fixed);
  await box.press("Enter");
  await expect(box).toHaveCount(0);
  await expect(alice.page.getByRole("textbox", { name: "Message" })).toBeFocused();
  for (const page of [alice.page, bob.page]) {
    await expect(row(page, fixed)).toBeVisible();
    await expect(row(page, fixed).getByText("(edited)")).toBeVisible();
    await expect(messages(page).getByText(typo)).toHaveCount(0);
  }

  // The up arrow in the empty composer edits the last message; Escape and
  // Cancel leave it as it was.
  const composer = alice.page.getByRole("textbox", { name: "Message" });
  await composer.press("ArrowUp");
  await expect(box).toHaveValue(fixed);
  await box.fill("never saved");
  await box.press("Escape");
  await expect(box).toHaveCount(0);
  await expect(composer).toBeFocused();
  await act(alice.page, fixed, "Edit message");
  await box.fill("never saved either");
  await alice.page.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(row(alice.page, fixed)).toBeVisible();
  await expect(messages(alice.page).getByText("never saved")).toHaveCount(0);

  // Save with the button.
  await act(alice.page, fixed, "Edit message");
  await box.fill(`${fixed} ✓`);
  await alice.page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(row(bob.page, `${fixed} ✓`)).toBeVisible();
});

test("delete your message after a confirmation: it goes for everyone", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const text = `to be deleted ${Date.now().toString(36)}`;
  await say(alice.page, text);
  await expect(row(bob.page, text)).toBeVisible();

  await act(alice.page, text, "Delete message");
  const dialog = alice.page.getByRole("dialog", { name: "Delete message?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(row(alice.page, text)).toBeVisible();

  await act(alice.page, text, "Delete message");
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(dialog).toBeHidden();
  for (const page of [alice.page, bob.page]) {
    await expect(messages(page).getByText(text)).toHaveCount(0);
  }
  await bob.page.reload();
  await expect(bob.page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  await expect(messages(bob.page).getByText(text)).toHaveCount(0);
});

test("react from the picker, toggle with the chips, see who reacted", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const text = `react to this ${Date.now().toString(36)}`;
  await say(alice.page, text);
  await expect(row(bob.page, text)).toBeVisible();

  await act(bob.page, text, "Add reaction");
  const picker = bob.page.getByRole("dialog", { name: "Choose a reaction" });
  await expect(picker).toBeVisible();
  // The frequent ones come first, named by their CLDR names.
  await expect(picker.getByRole("button", { name: "red heart" })).toBeVisible();
  await picker.getByRole("searchbox", { name: "Search emoji" }).fill("thumbs");
  await expect(picker.getByRole("button", { name: "thumbs down" })).toBeVisible();
  await picker.getByRole("button", { name: "thumbs up" }).click();
  await expect(picker).toBeHidden();

  const chip = (page: Page, count: number) =>
    row(page, text).getByRole("button", { name: new RegExp(`^👍 ${count}\\b`) });
  await expect(chip(bob.page, 1)).toHaveAttribute("aria-pressed", "true");
  await expect(chip(alice.page, 1)).toHaveAttribute("aria-pressed", "false");
  await expect(chip(alice.page, 1)).toHaveAccessibleName(`👍 1 ${bob.name}`);

  // A search over the whole set: a flag, by its name.
  await act(alice.page, text, "Add reaction");
  await alice.page.getByRole("searchbox", { name: "Search emoji" }).fill("flag jap");
  await alice.page.getByRole("button", { name: "flag: Japan" }).click();
  await expect(row(bob.page, text).getByRole("button", { name: /^🇯🇵 1/ })).toBeVisible();

  // Clicking a chip adds one's reaction, and clicking again takes it back.
  await chip(alice.page, 1).click();
  await expect(chip(alice.page, 2)).toHaveAttribute("aria-pressed", "true");
  await expect(chip(bob.page, 2)).toHaveAttribute("aria-pressed", "true");
  await chip(alice.page, 2).focus();
  await expect(row(alice.page, text).getByText(`${bob.name}, ${alice.name}`)).toBeVisible();
  await chip(alice.page, 2).click();
  await expect(chip(bob.page, 1)).toBeVisible();
  await expect(chip(alice.page, 1)).toHaveAttribute("aria-pressed", "false");

  // The server's page shows the same.
  await bob.page.reload();
  await expect(chip(bob.page, 1)).toHaveAttribute("aria-pressed", "true");
});

test("edits and reactions made offline show at once, wait, and go out once when back", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const stamp = Date.now().toString(36);
  const typo = `Offline typo ${stamp}`;
  const fixed = `Fixed offline: 日本語 Привет العربية 🦀 ${stamp}`;
  await say(alice.page, typo);
  await expect(row(bob.page, typo)).toBeVisible();
  await act(bob.page, typo, "Add reaction");
  await bob.page.getByRole("button", { name: "thumbs up" }).click();
  const chip = (page: Page, text: string, count: number) =>
    row(page, text).getByRole("button", { name: new RegExp(`^👍 ${count}\\b`) });
  await expect(chip(alice.page, typo, 1)).toBeVisible();

  await alice.context.setOffline(true);
  await expect(alice.page.locator("html")).not.toHaveAttribute("data-link", "online");
  await act(alice.page, typo, "Edit message");
  const box = alice.page.getByRole("textbox", { name: "Edit message" });
  await box.fill(fixed);
  await box.press("Enter");
  // Shown at once, edited, and said to be waiting.
  await expect(row(alice.page, fixed)).toBeVisible();
  await expect(row(alice.page, fixed).getByText("(edited)")).toBeVisible();
  await chip(alice.page, fixed, 1).click();
  await expect(chip(alice.page, fixed, 2)).toHaveAttribute("aria-pressed", "true");
  await expect(row(alice.page, fixed).getByText("Changes not sent yet")).toBeVisible();
  await alice.page.mouse.move(0, 0);
  await alice.page.screenshot({ path: test.info().outputPath("actions-offline.png") });
  // Nobody else has them yet.
  await expect(row(bob.page, typo)).toBeVisible();
  await expect(chip(bob.page, typo, 1)).toBeVisible();

  await alice.context.setOffline(false);
  await expect(alice.page.locator("html")).toHaveAttribute("data-link", "online");
  await expect(row(bob.page, fixed)).toBeVisible();
  await expect(chip(bob.page, fixed, 2)).toHaveAttribute("aria-pressed", "true");
  await expect(row(alice.page, fixed).getByText("Changes not sent yet")).toHaveCount(0);
  await expect(chip(alice.page, fixed, 2)).toHaveAttribute("aria-pressed", "true");

  // Made once: the server's page shows one edit and two reactions.
  await bob.page.reload();
  await expect(row(bob.page, fixed).getByText("(edited)")).toBeVisible();
  await expect(chip(bob.page, fixed, 2)).toHaveAccessibleName(`👍 2 ${bob.name}, ${alice.name}`);
  await expect(messages(bob.page).getByText(typo)).toHaveCount(0);
});

test("reply to a message: a banner, then a quote that jumps to the original", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const stamp = Date.now().toString(36);
  const original = `Who brings the 🍰 on Friday? ${stamp}`;
  await say(alice.page, original);
  await expect(row(bob.page, original)).toBeVisible();

  // A reply can be called off.
  await act(bob.page, original, "Reply");
  await expect(bob.page.getByText(`Replying to ${alice.name}`)).toBeVisible();
  await bob.page.getByRole("button", { name: "Cancel reply" }).click();
  await expect(bob.page.getByText(`Replying to ${alice.name}`)).toHaveCount(0);

  await act(bob.page, original, "Reply");
  await expect(bob.page.getByRole("textbox", { name: "Message" })).toBeFocused();
  const answer = `Я принесу! ${stamp}`;
  await say(bob.page, answer);
  await expect(bob.page.getByText(`Replying to ${alice.name}`)).toHaveCount(0);
  for (const page of [alice.page, bob.page]) {
    const quote = row(page, answer).getByRole("link", { name: `Jump to the message from ${alice.name}` });
    await expect(quote).toBeVisible();
    await expect(quote).toContainText(original);
  }

  // The quote jumps to the original, marking it.
  for (let n = 0; n < 12; n++) await say(alice.page, `filler ${n} ${stamp}`);
  await expect(row(bob.page, `filler 11 ${stamp}`)).toBeVisible();
  await row(bob.page, answer).getByRole("link", { name: `Jump to the message from ${alice.name}` }).click();
  await expect(row(bob.page, original)).toHaveAttribute("data-highlight", "");
  await expect(row(bob.page, original)).toBeInViewport();

  // Deleting the original says so in the quote.
  await act(alice.page, original, "Delete message");
  await alice.page.getByRole("dialog", { name: "Delete message?" }).getByRole("button", { name: "Delete", exact: true }).click();
  await expect(row(bob.page, answer).getByText("Original message deleted")).toBeVisible();
});

test("screenshots of message actions, light and dark, desktop and phone", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const stamp = Date.now().toString(36);
  const first = `日本語 Привет العربية 🦀 ${stamp}`;
  await say(alice.page, first);
  await expect(row(bob.page, first)).toBeVisible();
  await act(bob.page, first, "Add reaction");
  await bob.page.getByRole("button", { name: "thumbs up" }).click();
  await act(bob.page, first, "Reply");
  await say(bob.page, `مرحبا! ${stamp}`);
  await expect(row(alice.page, `مرحبا! ${stamp}`)).toBeVisible();
  await act(alice.page, first, "Edit message");

  const phone = await browser.newContext({
    baseURL,
    storageState: await bob.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const small = await phone.newPage();
  await small.goto("/");
  await expect(row(small, first)).toBeVisible();
  await row(small, first).hover();
  for (const [name, page] of [["desktop", alice.page], ["phone", small]] as const) {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: test.info().outputPath(`actions-${name}-${scheme}.png`) });
    }
  }
  await act(alice.page, `مرحبا! ${stamp}`, "Add reaction");
  await alice.page.getByRole("searchbox", { name: "Search emoji" }).fill("face");
  await alice.page.screenshot({ path: test.info().outputPath("actions-picker.png") });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("delete your message through the confirmation page", async ({ page }) => {
    await signUp(page, uniqueName("plain"));
    const text = `plain delete ${Date.now().toString(36)}`;
    await page.getByRole("textbox", { name: "Message" }).fill(text);
    await page.getByRole("button", { name: "Send" }).click();
    await expect(row(page, text)).toBeVisible();

    await row(page, text).getByRole("button", { name: "Delete message" }).click();
    await expect(page.getByRole("heading", { name: "Delete message?" })).toBeVisible();
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(row(page, text)).toBeVisible();

    await row(page, text).getByRole("button", { name: "Delete message" }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page).toHaveURL(/\/c\/1$/);
    await expect(messages(page).getByText(text)).toHaveCount(0);
  });
});
