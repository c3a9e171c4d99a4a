import { test, expect, chatter, live, PASSWORD } from "./fixtures";

test("an administrator finds an account, deactivates it (its page is closed out), resets its password and reactivates it", async ({
  browser,
  baseURL,
  server,
}) => {
  const admin = await chatter(browser, baseURL, "root");
  await server.admin(["grant", admin.name]);
  const nadia = await chatter(browser, baseURL, "nadia");
  const page = admin.page;

  // Not for everyone: the page says so to anyone else.
  await nadia.page.goto("/admin");
  await expect(nadia.page).toHaveURL(/\/settings\/admin$/);
  await expect(nadia.page.getByRole("alert")).toHaveText("Only administrators can see this page.");

  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Manage accounts" }).click();
  await expect(page.getByRole("heading", { name: "Administration", level: 1 })).toBeVisible();
  await live(page);
  await page.getByRole("searchbox", { name: "Search accounts" }).fill("nadia");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/q=nadia/);
  const accounts = page.getByRole("region", { name: "Accounts" }).getByRole("listitem");
  const row = accounts.filter({ hasText: nadia.name });
  await expect(row).toContainText("Member · Active");
  await expect(accounts).toHaveCount(1);

  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Member · Deactivated");
  await expect(nadia.page).toHaveURL(/\/login/);

  await row.getByRole("button", { name: "Reset password" }).click();
  const shown = page.getByRole("status").filter({ hasText: "New password for" });
  await expect(shown).toBeVisible();
  const password = (await shown.locator("code").textContent()) ?? "";
  expect(password).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){7}$/);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: test.info().outputPath(`admin-desktop-${scheme}.png`) });
  }
  await row.getByRole("button", { name: "Reactivate" }).click();
  await expect(row).toContainText("Member · Active");

  // The old password no longer works; the new one does, on a phone.
  const phone = await browser.newContext({ baseURL, viewport: { width: 375, height: 740 } });
  const small = await phone.newPage();
  await small.goto("/login");
  await small.getByLabel("Username").fill(nadia.name);
  await small.getByLabel("Password").fill(PASSWORD);
  await small.getByRole("button", { name: "Log in" }).click();
  await expect(small.getByRole("alert")).toHaveText("invalid username or password");
  await small.getByLabel("Password").fill(password);
  await small.getByRole("button", { name: "Log in" }).click();
  await live(small);
  await phone.close();

  const adminPhone = await browser.newContext({
    baseURL,
    storageState: await admin.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const adminSmall = await adminPhone.newPage();
  await adminSmall.goto("/settings/admin?q=nadia");
  await live(adminSmall);
  for (const scheme of ["light", "dark"] as const) {
    await adminSmall.emulateMedia({ colorScheme: scheme });
    await adminSmall.screenshot({ path: test.info().outputPath(`admin-phone-${scheme}.png`) });
  }
  // The audit log says what was done, newest first.
  await adminSmall.goto("/admin/audit");
  await expect(adminSmall).toHaveURL(/\/settings\/audit$/);
  await live(adminSmall);
  const entries = adminSmall.getByRole("listitem").filter({ hasText: nadia.name });
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toContainText(`${admin.name} reactivated ${nadia.name}`);
  await expect(entries.nth(1)).toContainText(`${admin.name} reset the password of ${nadia.name}`);
  await expect(entries.nth(2)).toContainText(`${admin.name} deactivated ${nadia.name}`);
  for (const scheme of ["light", "dark"] as const) {
    await adminSmall.emulateMedia({ colorScheme: scheme });
    await adminSmall.screenshot({ path: test.info().outputPath(`audit-phone-${scheme}.png`) });
  }
  await adminPhone.close();
});
