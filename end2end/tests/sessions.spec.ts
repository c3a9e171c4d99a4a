import type { Browser, Page } from "@playwright/test";
import { test, expect, chatter, live, say, expectNoSidewaysScroll, PASSWORD } from "./fixtures";

/** Signs `name` in on a fresh phone-sized browser; its page, live. */
async function phoneOf(browser: Browser, baseURL: string | undefined, name: string, password = PASSWORD) {
  const context = await browser.newContext({ baseURL, viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await live(page);
  return { context, page };
}

/** The sessions page, loaded, hydrated and live. */
async function openSessions(page: Page) {
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await page.getByRole("link", { name: "Manage sessions" }).click();
  await expect(page).toHaveURL(/\/settings\/sessions$/);
  await expect(page.getByRole("heading", { name: "Sessions", level: 1 })).toBeVisible();
  await live(page);
}

test("the sessions page lists every session; one signs another out, then every other", async ({
  browser,
  baseURL,
}) => {
  const maya = await chatter(browser, baseURL, "maya");
  const phone = await phoneOf(browser, baseURL, maya.name);
  const tablet = await phoneOf(browser, baseURL, maya.name);

  await openSessions(maya.page);
  const sessions = maya.page.getByRole("region", { name: "Sessions" }).getByRole("listitem");
  await expect(sessions).toHaveCount(3);
  await expect(sessions.nth(2)).toContainText("This device");
  await expect(sessions.nth(2)).toContainText("Active now");
  await expect(sessions.nth(0)).toContainText(/Signed in Today, \d\d:\d\d/);
  await expect(sessions.nth(0)).toContainText(/Last active Today, \d\d:\d\d/);
  await expect(sessions.nth(0)).toContainText("127.0.0.1");
  await expect(sessions.nth(2).getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await expectNoSidewaysScroll(maya.page);
  for (const scheme of ["light", "dark"] as const) {
    await maya.page.emulateMedia({ colorScheme: scheme });
    await maya.page.screenshot({ path: test.info().outputPath(`sessions-desktop-${scheme}.png`) });
  }

  // One: the newest (the tablet) goes; its open page is closed out.
  await sessions.nth(0).getByRole("button", { name: "Sign out" }).click();
  await expect(maya.page).toHaveURL(/\/settings\/sessions$/);
  await expect(sessions).toHaveCount(2);
  await tablet.page.reload();
  await expect(tablet.page).toHaveURL(/\/login/);

  // Every other: the phone goes too, and this page stays signed in.
  await maya.page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(sessions).toHaveCount(1);
  await expect(sessions).toContainText("This device");
  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/login/);
  await maya.page.goto("/c/1");
  await live(maya.page);
  await say(maya.page, "still here: 日本語 Привет العربية 🔐");

  // The page on a phone, light and dark.
  await phone.page.setViewportSize({ width: 375, height: 740 });
  await phone.page.getByLabel("Username").fill(maya.name);
  await phone.page.getByLabel("Password").fill(PASSWORD);
  await phone.page.getByRole("button", { name: "Log in" }).click();
  await live(phone.page);
  await phone.page.goto("/settings/sessions");
  await live(phone.page);
  await expectNoSidewaysScroll(phone.page);
  for (const scheme of ["light", "dark"] as const) {
    await phone.page.emulateMedia({ colorScheme: scheme });
    await phone.page.screenshot({ path: test.info().outputPath(`sessions-phone-${scheme}.png`), fullPage: true });
  }
  await phone.context.close();
  await tablet.context.close();
});

test("changing the password needs the current one and signs out every other session", async ({ browser, baseURL }) => {
  const ines = await chatter(browser, baseURL, "ines");
  const phone = await phoneOf(browser, baseURL, ines.name);
  const page = ines.page;
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await live(page);
  const form = page.getByRole("region", { name: "Password" });
  const current = form.getByRole("textbox", { name: "Current password" });
  const fresh = form.getByRole("textbox", { name: "New password" });
  const change = form.getByRole("button", { name: "Change password" });

  await current.fill("not the password");
  await fresh.fill("Привет 日本語 🔑 العربية");
  await change.click();
  await expect(page.getByRole("alert")).toHaveText("the current password is not right");
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await form.screenshot({ path: test.info().outputPath(`password-refused-${scheme}.png`) });
  }

  await current.fill(PASSWORD);
  await fresh.fill("Привет 日本語 🔑 العربية");
  await change.click();
  await expect(page.getByRole("status").filter({ hasText: "Your password is changed" })).toBeVisible();
  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/login/);
  await phone.page.getByLabel("Username").fill(ines.name);
  await phone.page.getByLabel("Password").fill(PASSWORD);
  await phone.page.getByRole("button", { name: "Log in" }).click();
  await expect(phone.page.getByRole("alert")).toHaveText("invalid username or password");
  await phone.page.getByLabel("Password").fill("Привет 日本語 🔑 العربية");
  await phone.page.getByRole("button", { name: "Log in" }).click();
  await live(phone.page);
  await phone.page.goto("/settings");
  await live(phone.page);
  await expectNoSidewaysScroll(phone.page);
  for (const scheme of ["light", "dark"] as const) {
    await phone.page.emulateMedia({ colorScheme: scheme });
    await phone.page.screenshot({ path: test.info().outputPath(`settings-phone-${scheme}.png`), fullPage: true });
  }
  await phone.context.close();
});
