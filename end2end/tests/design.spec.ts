import AxeBuilder from "@axe-core/playwright";
import path from "node:path";
import { Locator, Page } from "@playwright/test";
import { test, expect, BanterServer, chatter, live, messages, say, signUp, uniqueName, openConversation, PASSWORD } from "./fixtures";

/** Fails with the list of serious or critical accessibility violations, of
 * the page as it settles once hydrated (a lazy route's title is put back
 * when its chunk has come, and axe once caught the moment between). */
async function expectAccessible(page: Page, what: string): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(serious, `accessibility of ${what}`).toEqual([]);
}

/** Presses Tab until `target` has focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Expects the focused element to show a visible focus ring. */
async function expectFocusRing(target: Locator): Promise<void> {
  await expect(target).toBeFocused();
  const outline = await target.evaluate((el) => {
    const style = getComputedStyle(el);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  expect(outline.style).not.toBe("none");
  expect(outline.width).toBeGreaterThanOrEqual(2);
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`in the ${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test("the pages and dialogs have no serious accessibility problems", async ({ page, browser, baseURL }) => {
      test.slow(); // two people, six pages and dialogs checked
      await page.goto("/login");
      await expectAccessible(page, "the log-in page");
      await page.goto("/signup");
      await page.getByLabel("Username").fill("x");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign up" }).click();
      await expect(page.getByRole("alert").first()).toBeVisible();
      await expectAccessible(page, "the sign-up page with an error");

      const alice = await chatter(browser, baseURL, "alice");
      await say(alice.page, `hello, https://example.com/${scheme}`);
      const bob = await chatter(browser, baseURL, "bob");
      await say(bob.page, `hi Alice, in ${scheme}`);
      await expect(messages(alice.page).getByText(`hi Alice, in ${scheme}`)).toBeVisible();
      await alice.page.getByRole("button", { name: "Members" }).click();
      await expectAccessible(alice.page, "the chat page");

      for (const dialog of ["New channel", "Browse channels", "New message", "Channel settings"]) {
        await alice.page.getByRole("button", { name: dialog }).click();
        await expect(alice.page.getByRole("dialog", { name: dialog })).toBeVisible();
        await expectAccessible(alice.page, `the ${dialog} dialog`);
        await alice.page.keyboard.press("Escape");
        await expect(alice.page.getByRole("dialog")).toHaveCount(0);
      }
    });
  });
}

test("keyboard only: sign up, switch channels, open a conversation, send", async ({ page, browser, baseURL }) => {
  const friend = await chatter(browser, baseURL, "friend");
  const name = uniqueName("keys");
  const channel = `keys-${Date.now().toString(36)}`;

  await page.goto("/signup");
  await tabTo(page, page.getByLabel("Username"));
  await page.keyboard.type(name);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByText(name, { exact: true })).toBeVisible();
  await live(page);

  // A new channel, through its dialog.
  const newChannel = page.getByRole("button", { name: "New channel" });
  await tabTo(page, newChannel);
  await expectFocusRing(newChannel);
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Channel name")).toBeFocused();
  await page.keyboard.type(channel);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: channel })).toBeVisible();

  // Alt+Up and Alt+Down move between channels.
  await page.keyboard.press("Alt+ArrowUp");
  await expect(page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  await page.keyboard.press("Alt+ArrowDown");
  await expect(page.getByRole("heading", { level: 1, name: channel })).toBeVisible();

  // Escape closes a dialog and gives focus back to what opened it.
  const browse = page.getByRole("button", { name: "Browse channels" });
  await tabTo(page, browse);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Browse channels" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(browse).toBeFocused();

  // A conversation with the friend.
  await tabTo(page, page.getByRole("button", { name: "New message" }));
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Search people")).toBeFocused();
  await page.keyboard.type(friend.name);
  const dialog = page.getByRole("dialog", { name: "New message" });
  const person = dialog.getByRole("option", { name: friend.name });
  await expect(person).toBeVisible();
  await tabTo(page, dialog.getByRole("listbox", { name: "People" }));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  await expect(person).toHaveAttribute("aria-selected", "true");
  await tabTo(page, dialog.getByRole("button", { name: "Start conversation" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: friend.name })).toBeVisible();

  // Send, and keep writing.
  const box = page.getByRole("textbox", { name: "Message" });
  await tabTo(page, box);
  await page.keyboard.type("typed, never clicked");
  await page.keyboard.press("Enter");
  await expect(messages(page).getByText("typed, never clicked")).toBeVisible();
  await expect(messages(page).getByText("Sending…")).toHaveCount(0);
  const direct = friend.page.getByRole("navigation", { name: "Direct messages" });
  await expect(direct.getByLabel("1 unread")).toBeVisible();
  await expect(box).toBeFocused();
  await expect(box).toHaveValue("");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });

  test("the sidebar is a drawer, nothing scrolls sideways, targets are large", async ({ page }) => {
    const name = uniqueName("phone");
    await signUp(page, name);
    await live(page);
    await say(page, "a long message from a small screen ".repeat(8) + "https://example.com/" + "x".repeat(80));
    await expect(messages(page).getByText("a long message").first()).toBeVisible();

    const channels = page.getByRole("navigation", { name: "Channels" });
    await expect(channels).toBeHidden();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    await expectLargeTargets(page);

    const menu = page.getByRole("button", { name: "Menu", exact: true });
    await menu.tap();
    await expect(channels).toBeVisible();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expectLargeTargets(page);
    await page.keyboard.press("Escape");
    await expect(channels).toBeHidden();

    await menu.tap();
    await channels.getByRole("link", { name: "General" }).tap();
    await expect(channels).toBeHidden();
    await expect(page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  });
});

/**
 * Every visible control is at least 44 × 44 CSS pixels, measured once the
 * page is still (a box sliding in, as the drawer does, can measure a hair
 * under its size while it moves) and to the nearest pixel.
 */
async function expectLargeTargets(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await Promise.all(document.getAnimations().map((a) => a.finished));
  });
  const small = await page.evaluate(() =>
    [...document.querySelectorAll("a, button, input, textarea, [role=button]")]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const shown = box.width > 0 && box.height > 0 && style.visibility !== "hidden";
        const inText = el.closest(".message-text") !== null;
        const onScreen = box.right > 0 && box.left < window.innerWidth;
        return shown && onScreen && !inText && (Math.round(box.width) < 44 || Math.round(box.height) < 44);
      })
      .map((el) => `${el.tagName} ${el.textContent?.trim() || el.getAttribute("aria-label")}`),
  );
  expect(small, "controls smaller than 44 px").toEqual([]);
}

test("screenshots of the chat screen, light and dark", async ({ browser }) => {
  test.slow();
  const server = await BanterServer.start();
  try {
    const people = ["maya", "jonas", "priya"];
    const pages: Page[] = [];
    for (const person of people) {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 760 } });
      const page = await context.newPage();
      await signUp(page, person);
      await live(page);
      pages.push(page);
    }
    const [maya, jonas, priya] = pages;
    for (const channel of ["design", "releases"]) {
      await maya.getByRole("button", { name: "New channel" }).click();
      await maya.getByLabel("Channel name").fill(channel);
      await maya.getByRole("button", { name: "Create" }).click();
      await expect(maya.getByRole("heading", { level: 1, name: channel })).toBeVisible();
    }
    await openConversation(priya, "maya");
    await say(priya, "Lunch at 12:30?");
    await priya.getByRole("link", { name: "General" }).click();
    await maya.getByRole("link", { name: "General" }).click();
    await expect(maya.getByRole("navigation", { name: "Direct messages" }).getByLabel("1 unread")).toBeVisible();
    const conversation: [Page, string][] = [
      [jonas, "Morning! The release branch is cut, builds are green."],
      [jonas, "Notes are at https://example.com/release-notes"],
      [priya, "Nice. I'll run the upgrade on the staging cluster after lunch."],
      [maya, "Thanks both. Anything I should watch for in the migration?"],
      [priya, "Only the index rebuild; it takes a few minutes on big channels."],
      [jonas, "I'll keep an eye on the dashboards while it runs."],
      [maya, "Perfect, let's ship it."],
    ];
    for (const [page, text] of conversation) {
      await say(page, text);
      await expect(messages(maya).getByText(text)).toBeVisible();
    }
    await maya.getByRole("button", { name: "Members" }).click();
    await expect(maya.getByRole("complementary", { name: "Members" })).toBeVisible();
    await jonas.getByRole("textbox", { name: "Message" }).pressSequentially("On it");
    await expect(maya.getByText("is typing")).toBeVisible();

    const shots = path.resolve(__dirname, "..", "..", "docs", "screenshots");
    for (const scheme of ["light", "dark"] as const) {
      await maya.emulateMedia({ colorScheme: scheme });
      await maya.screenshot({ path: path.join(shots, `chat-${scheme}.png`) });
    }
  } finally {
    await server.dispose();
  }
});
