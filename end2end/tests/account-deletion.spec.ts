import { test, expect, chatter, live, say, row, PASSWORD, expectNoSidewaysScroll } from "./fixtures";

test("deleting an account needs the password and a tick; what it wrote stays, from a deleted user", async ({
  browser,
  baseURL,
}) => {
  const dana = await chatter(browser, baseURL, "dana");
  const erik = await chatter(browser, baseURL, "erik");
  const tag = Date.now().toString(36);
  const text = `日本語 Привет العربية 🦀 ${tag}`;
  await say(dana.page, text);
  await expect(row(erik.page, text)).toContainText(dana.name);

  const page = dana.page;
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await live(page);
  const section = page.getByRole("region", { name: "Delete account" });
  await expect(section).toContainText("30 days");
  const password = section.getByRole("textbox", { name: "Password", exact: true });
  const understood = section.getByRole("checkbox", { name: "I understand that this cannot be undone" });
  const remove = section.getByRole("button", { name: "Delete account" });

  // Unticked, the browser holds the form back; with a wrong password, the
  // server sends it back saying why.
  await password.fill(PASSWORD);
  await remove.click();
  expect(await understood.evaluate((box: HTMLInputElement) => box.validity.valueMissing)).toBe(true);
  await expect(page).toHaveURL(/\/settings$/);
  await password.fill("not the password");
  await understood.check();
  await remove.click();
  await expect(section.getByRole("alert")).toHaveText("the current password is not right");
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await section.screenshot({ path: test.info().outputPath(`delete-refused-${scheme}.png`) });
  }
  // On a phone (the page loaded at that size, its drawer closed).
  await page.setViewportSize({ width: 375, height: 740 });
  await page.reload();
  await live(page);
  await section.scrollIntoViewIfNeeded();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: test.info().outputPath("delete-phone-dark.png") });

  await password.fill(PASSWORD);
  await understood.check();
  await remove.click();
  await expect(page).toHaveURL(/\/login\?account=deleted$/);
  await expect(page.getByRole("status")).toHaveText("Your account is deleted.");
  await page.getByLabel("Username").fill(dana.name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("invalid username or password");

  // Others still read it, from "deleted user".
  await erik.page.reload();
  await live(erik.page);
  await expect(row(erik.page, text)).toContainText(/deleted user \d+/);
  await expect(row(erik.page, text)).not.toContainText(dana.name);
});
