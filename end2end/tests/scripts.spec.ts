import { test, expect, chatter, say, messages } from "./fixtures";

// Text in several scripts, each with a character across byte 7 or 8 of a
// word (where a link's scheme would end): a message like these once crashed
// every tab that received it.
const texts = [
  "日本語のメッセージです",
  "Привет, как дела?",
  "مرحبا بالعالم العربية",
  "🦀🦀 naïveté",
  "見て https://例え.jp/パス",
];

test("messages in any script reach every tab, and every tab goes on", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");

  for (const text of texts) {
    await say(alice.page, text);
    await expect(messages(bob.page).getByText(text)).toBeVisible();
  }
  const link = messages(bob.page).getByRole("link", { name: "https://例え.jp/パス" });
  await expect(link).toHaveAttribute("href", "https://例え.jp/パス");

  // Both tabs are alive: Bob answers and Alice sees it.
  await say(bob.page, "всё хорошо 👍");
  await expect(messages(alice.page).getByText("всё хорошо 👍")).toBeVisible();

  // A reload renders the same history on the server.
  await bob.page.reload();
  for (const text of texts) {
    await expect(messages(bob.page).getByText(text)).toBeVisible();
  }

  // To look at: desktop and phone, light and dark.
  const phone = await browser.newContext({ baseURL, storageState: await bob.context.storageState(), viewport: { width: 375, height: 740 } });
  const small = await phone.newPage();
  await small.goto("/");
  await expect(messages(small).getByText(texts[0])).toBeVisible();
  for (const [name, page] of [["desktop", bob.page], ["phone", small]] as const) {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: test.info().outputPath(`scripts-${name}-${scheme}.png`) });
    }
  }
});

test("a message the server refuses says why, and the draft stays", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const box = alice.page.getByRole("textbox", { name: "Message" });
  await box.fill("bell \u0007 inside");
  await box.press("Enter");
  await expect(alice.page.getByRole("alert")).toHaveText("a message cannot contain control characters");
  await expect(box).toHaveValue("bell \u0007 inside");
});
