import { test, expect, uniqueName, signUp, live, say, messages, PASSWORD } from "./fixtures";

test("sign up lands in the app showing your name", async ({ page }) => {
  const name = uniqueName("Ann");
  await signUp(page, name);
  await expect(page).toHaveURL("/");
  await expect(page.getByText(name, { exact: true })).toBeVisible();
});

test("log out, then log in again", async ({ page }) => {
  const name = uniqueName("bob");
  await signUp(page, name);

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/login");

  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByText(name, { exact: true })).toBeVisible();
});

test("a wrong password shows the error", async ({ page, browser, baseURL }) => {
  const name = uniqueName("cy");
  const other = await browser.newContext({ baseURL });
  await signUp(await other.newPage(), name);
  await other.close();

  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("invalid username or password");
  // Only the password is to be typed again, and the address is tidied.
  await expect(page.getByLabel("Username")).toHaveValue(name);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page).toHaveURL("/login");
});

test("a taken name shows the error on sign-up", async ({ page, browser, baseURL }) => {
  const name = uniqueName("dee");
  const other = await browser.newContext({ baseURL });
  await signUp(await other.newPage(), name);
  await other.close();

  await page.goto("/signup");
  await page.getByLabel("Username").fill(name.toUpperCase());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("alert")).toHaveText("that username is already taken");
});

test("a deep link while logged out returns there after login", async ({ page, browser, baseURL }) => {
  const name = uniqueName("eve");
  const other = await browser.newContext({ baseURL });
  await signUp(await other.newPage(), name);
  await other.close();

  await page.goto("/?from=link");
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL("/?from=link");
  await expect(page.getByText(name, { exact: true })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("sign up, log out and a refused log-in all work", async ({ page }) => {
    const name = uniqueName("noJs");
    await page.goto("/signup");
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL("/");
    await expect(page.getByText(name, { exact: true })).toBeVisible();

    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL("/login");

    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert")).toHaveText("invalid username or password");
  });
});

test("logging out sends this browser's other tabs to the login page, not other browsers'", async ({
  browser,
  baseURL,
}) => {
  const laptop = await browser.newContext({ baseURL });
  const first = await laptop.newPage();
  const name = uniqueName("tabs");
  await signUp(first, name);
  const second = await laptop.newPage();
  await second.goto("/");
  await live(second);

  const phone = await (await browser.newContext({ baseURL })).newPage();
  await phone.goto("/login");
  await phone.getByLabel("Username").fill(name);
  await phone.getByLabel("Password").fill(PASSWORD);
  await phone.getByRole("button", { name: "Log in" }).click();
  await live(phone);

  await first.getByRole("button", { name: "Log out" }).click();
  await expect(first).toHaveURL("/login");
  await expect(second).toHaveURL("/login");
  // The phone's session is another one: it stays in the app, still live.
  await say(phone, "still here");
  await expect(messages(phone).getByText("still here")).toBeVisible();
  await expect(phone).toHaveURL("/");
});

test("a page whose session ended while it was offline goes to the login page when back", async ({
  browser,
  baseURL,
}) => {
  const laptop = await browser.newContext({ baseURL });
  const page = await laptop.newPage();
  await signUp(page, uniqueName("away"));
  await live(page);

  // The same session, logged out from elsewhere while this page is offline.
  await laptop.setOffline(true);
  await expect(page.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible();
  const elsewhere = await browser.newContext({ baseURL, storageState: await laptop.storageState() });
  const other = await elsewhere.newPage();
  await other.goto("/");
  await other.getByRole("button", { name: "Log out" }).click();
  await expect(other).toHaveURL("/login");

  // Back online, its socket is refused; it asks, and is sent to log in.
  await laptop.setOffline(false);
  await expect(page).toHaveURL("/login");
  await laptop.close();
  await elsewhere.close();
});
