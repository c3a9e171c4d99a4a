import { test, expect, chatter, live, say, row, messages, expectNoSidewaysScroll, signUp, uniqueName } from "./fixtures";

test("the header's search box finds a message in any script and lands on it", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const tag = Date.now().toString(36);
  const wanted = `Café 日本語のテキスト Привет مرحبا 🔎 ${tag}`;
  await say(alice.page, wanted);
  for (let n = 0; n < 3; n++) await say(alice.page, `filler ${n} ${tag}`);
  await expect(row(bob.page, `filler 2 ${tag}`)).toBeVisible();

  // Enter in the header's box opens /search with the results.
  const box = bob.page.getByRole("searchbox", { name: "Search messages" });
  await box.fill(`cafe ${tag}`);
  await box.press("Enter");
  await expect(bob.page).toHaveURL(/\/search\?q=cafe/);
  // Typing updates the results once the page is live (before, Enter does).
  await live(bob.page);
  const results = bob.page.getByRole("list", { name: "Search results" });
  await expect(results.getByRole("listitem")).toHaveCount(1);
  await expect(results.locator("mark").first()).toHaveText("Café");
  await expect(results).toContainText(alice.name);

  // Japanese, without spaces; Russian in any case; Arabic.
  const page = bob.page.getByRole("searchbox", { name: "Search messages" });
  for (const [query, marked] of [
    [`テキスト ${tag}`, "テキスト"],
    [`ПРИВЕТ ${tag}`, "Привет"],
    [`مرحبا ${tag}`, "مرحبا"],
  ]) {
    await page.fill(query);
    await expect(results.locator("mark").first()).toHaveText(marked);
    await expect(results.getByRole("listitem")).toHaveCount(1);
  }

  // The result opens the channel at the message, marked as the one landed on.
  await results.getByRole("link").first().click();
  await expect(bob.page).toHaveURL(/\/c\/1\?before=\d+#m\d+$/);
  await live(bob.page);
  const landed = messages(bob.page).locator('.message[aria-current="true"]');
  await expect(landed).toContainText(wanted);
  await expect(landed).toBeInViewport();
  // With what followed it below, in the middle of its page.
  await expect(row(bob.page, `filler 2 ${tag}`)).toBeAttached();
  await bob.page.screenshot({ path: test.info().outputPath("search-landed.png") });
});

test("results follow the query as it is typed, without a page load", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const tag = Date.now().toString(36);
  await say(alice.page, `first quokka ${tag}`);
  await say(alice.page, `second quokka ${tag}`);
  await expect(row(alice.page, `second quokka ${tag}`)).toBeVisible();
  // Stored, not only shown: the search page is read from the database.
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(0);

  await alice.page.goto(`/search?q=${tag}`);
  await live(alice.page);
  const results = alice.page.getByRole("list", { name: "Search results" });
  await expect(results.getByRole("listitem")).toHaveCount(2);
  await alice.page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  const box = alice.page.getByRole("searchbox", { name: "Search messages" });
  await box.fill(`second ${tag}`);
  await expect(results.getByRole("listitem")).toHaveCount(1);
  await expect(alice.page).toHaveURL(new RegExp(`/search\\?q=second\\+${tag}$`));
  await box.fill(`nothing-like-this ${tag}`);
  await expect(alice.page.getByText("No messages match")).toBeVisible();
  await box.fill(`colour:red ${tag}`);
  await expect(alice.page.getByText("is not a filter")).toBeVisible();
  // The same page all along.
  expect(await alice.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
});

test("screenshots of search results, light and dark, desktop and phone", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const tag = Date.now().toString(36);
  for (const text of [
    `The release notes are ready ${tag}: https://example.com/notes`,
    `リリースノートを確認しました ${tag}`,
    `Привет! Release на этой неделе ${tag}`,
    `موعد الإصدار release غدا ${tag}`,
    `**Release** checklist 🚀 ${tag}`,
  ]) {
    await say(alice.page, text);
  }
  await expect(row(alice.page, `checklist 🚀 ${tag}`)).toBeVisible();
  await expect(messages(alice.page).getByText("Sending…")).toHaveCount(0);
  const phone = await browser.newContext({
    baseURL,
    storageState: await alice.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const small = await phone.newPage();
  for (const [name, page] of [["desktop", alice.page], ["phone", small]] as const) {
    await page.goto(`/search?q=${encodeURIComponent(`release ${tag}`)}`);
    await live(page);
    await expect(page.getByRole("list", { name: "Search results" }).getByRole("listitem")).toHaveCount(4);
    await expectNoSidewaysScroll(page);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: test.info().outputPath(`search-${name}-${scheme}.png`) });
    }
  }
  await small.goto("/c/1");
  await live(small);
  await expect(small.getByRole("searchbox", { name: "Search messages" })).toBeVisible();
  await expectNoSidewaysScroll(small);
  await small.screenshot({ path: test.info().outputPath("search-box-phone.png") });
  await phone.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the header's form searches and the results link to the message", async ({ page }) => {
    const name = uniqueName("plain");
    await signUp(page, name);
    const tag = Date.now().toString(36);
    await page.getByRole("textbox", { name: "Message" }).fill(`plain search ${tag}`);
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByText(`plain search ${tag}`)).toBeVisible();
    // What came after it is on the page landed on too: the message is in
    // the middle of its page, not at the end.
    const next = `what came next, 次に, дальше ${Date.now()}`;
    await page.getByRole("textbox", { name: "Message" }).fill(next);
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByText(next)).toBeVisible();
    const box = page.getByRole("searchbox", { name: "Search messages" });
    await box.fill(tag);
    await box.press("Enter");
    const results = page.getByRole("list", { name: "Search results" });
    await expect(results.getByRole("listitem")).toHaveCount(1);
    await results.getByRole("link").click();
    await expect(page.locator(".message:target")).toContainText(`plain search ${tag}`);
    await expect(page.getByText(next)).toBeAttached();
  });
});
