import type { Page } from "@playwright/test";
import { test, expect, chatter, say, messages, row, live, expectNoSidewaysScroll } from "./fixtures";

/** Types into the composer key by key, Enter included, as a person would. */
async function typeInComposer(page: Page, lines: string[]): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.focus();
  for (const [n, line] of lines.entries()) {
    if (n > 0) await page.keyboard.press("Enter");
    await page.keyboard.type(line);
  }
}

test("formatting shows live, after a reload and without JavaScript, and never as HTML", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const tag = Date.now().toString(36);

  await say(alice.page, `**日本語 ${tag}** and *Привет* ~~old~~ \`x < y\``);
  await say(alice.page, `> العربية quote ${tag}\n\n- first 🦀\n- second`);
  await say(alice.page, `[docs ${tag}](https://example.com/日本) <b>not html</b> [bad](javascript:alert(1))`);

  // A code block: Enter inside the open fence is a new line, not a send.
  await typeInComposer(alice.page, ["```rust", `fn main() { println!("${tag}"); }`]);
  await alice.page.keyboard.press("Enter");
  const composer = alice.page.getByRole("textbox", { name: "Message" });
  await expect(composer).toHaveValue(`\`\`\`rust\nfn main() { println!("${tag}"); }\n`);
  await alice.page.keyboard.type("```");
  await alice.page.keyboard.press("Enter");
  await expect(composer).toHaveValue("");

  async function formatted(page: Page) {
    const log = messages(page);
    await expect(log.locator("strong", { hasText: `日本語 ${tag}` })).toBeVisible();
    await expect(log.locator("em", { hasText: "Привет" }).last()).toBeVisible();
    await expect(log.locator("del", { hasText: "old" }).last()).toBeVisible();
    await expect(log.locator("code", { hasText: "x < y" }).last()).toBeVisible();
    await expect(log.locator("blockquote", { hasText: `العربية quote ${tag}` })).toBeVisible();
    const list = row(page, "first 🦀").locator("ul");
    await expect(list.locator("li")).toHaveText(["first 🦀", "second"]);
    const link = log.getByRole("link", { name: `docs ${tag}` });
    await expect(link).toHaveAttribute("href", "https://example.com/日本");
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
    // Raw HTML and unsafe links are shown as the text that was typed.
    const raw = row(page, `docs ${tag}`);
    await expect(raw).toContainText("<b>not html</b>");
    await expect(raw).toContainText("[bad](javascript:alert(1))");
    await expect(raw.locator("b")).toHaveCount(0);
    await expect(log.locator('a[href^="javascript"]')).toHaveCount(0);
    const code = log.locator("pre code", { hasText: tag });
    await expect(code).toHaveText(`fn main() { println!("${tag}"); }`);
    await expect(log.locator("pre", { hasText: tag })).toHaveAttribute("data-language", "rust");
  }

  // Live, in the other tab.
  await formatted(bob.page);
  // Rendered by the server, then hydrated: the same, and the page works.
  await bob.page.reload();
  await live(bob.page);
  await formatted(bob.page);
  await say(bob.page, `still *alive* ${tag}`);
  await expect(messages(alice.page).locator("em", { hasText: "alive" })).toBeVisible();

  // Without JavaScript: the server's HTML alone.
  const plain = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    storageState: await bob.context.storageState(),
  });
  const noJs = await plain.newPage();
  await noJs.goto("/");
  await formatted(noJs);
  await plain.close();

  // An edit is formatted again, for everyone.
  const original = row(alice.page, "second");
  await original.hover();
  await original.getByRole("button", { name: "Edit message", exact: true }).click();
  const box = alice.page.getByRole("textbox", { name: "Edit message" });
  await box.fill(`1. **one** ${tag}\n2. two`);
  await box.press("Enter");
  for (const page of [alice.page, bob.page]) {
    const ordered = row(page, `one ${tag}`).locator("ol li");
    await expect(ordered).toHaveText([`one ${tag}`, "two"]);
    await expect(ordered.first().locator("strong")).toHaveText("one");
  }
});

test("a long code line scrolls within its block on a phone; screenshots, light and dark", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const tag = Date.now().toString(36);
  const long = `let ${tag} = "${"日本語 Привет العربية 🦀 ".repeat(8)}";`;
  await say(alice.page, "Deploy notes for **Friday** — *please read*:");
  await say(
    alice.page,
    "> Ship it when the ~~tests~~ checks pass\n\n1. Run `scripts/test`\n2. Tag the release\n3. Watch [the dashboard](https://example.com/status)",
  );
  await say(alice.page, "```rust\n" + long + "\nfn main() {}\n```");
  await say(alice.page, "مرحبا **بالعالم** — 日本語の*メッセージ* ✅");
  await expect(messages(alice.page).locator("pre code", { hasText: tag })).toBeVisible();

  const phone = await browser.newContext({
    baseURL,
    storageState: await alice.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const small = await phone.newPage();
  await small.goto("/");
  await live(small);
  const block = messages(small).locator("pre", { hasText: tag });
  await expect(block).toBeVisible();
  // The block scrolls; the page does not.
  await expectNoSidewaysScroll(small);
  expect(await block.evaluate((pre) => pre.scrollWidth > pre.clientWidth)).toBe(true);

  await alice.page.mouse.move(0, 0);
  for (const [name, page] of [
    ["desktop", alice.page],
    ["phone", small],
  ] as const) {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: test.info().outputPath(`formatting-${name}-${scheme}.png`) });
    }
  }
  await phone.close();
});
