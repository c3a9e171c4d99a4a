import { test, expect, chatter, live, messages, row, expectNoSidewaysScroll } from "./fixtures";

test("@ offers the channel's members; a mention is marked, counted and listed live", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const tag = Date.now().toString(36);

  // Alice waits on the mentions page: no channel is open there.
  await alice.page.getByRole("link", { name: "Mentions" }).click();
  await expect(alice.page.getByRole("heading", { name: "Mentions" })).toBeVisible();

  // Bob types @ and the start of her name: the list offers her.
  const box = bob.page.getByRole("textbox", { name: "Message" });
  await box.focus();
  await bob.page.keyboard.type(`日本語 @${alice.name.slice(0, -2)}`);
  const list = bob.page.getByRole("listbox", { name: "Mention someone" });
  await expect(list).toBeVisible();
  const option = list.getByRole("option", { name: alice.name, exact: true });
  await expect(option).toBeVisible();
  await expect(box).toHaveAttribute("aria-controls", "mention-list");
  // Escape closes it, typing opens it again, Enter picks.
  await bob.page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await bob.page.keyboard.type(alice.name.slice(-2, -1));
  await expect(option).toHaveAttribute("aria-selected", "true");
  await bob.page.keyboard.press("Enter");
  await expect(list).toBeHidden();
  await expect(box).toHaveValue(`日本語 @${alice.name} `);
  await bob.page.keyboard.type(`Привет ${tag}`);
  await bob.page.keyboard.press("Enter");
  await expect(box).toHaveValue("");

  // Bob sees the mention marked; Alice sees it marked as hers, listed live,
  // and counted in the sidebar.
  const mention = `@${alice.name}`;
  await expect(row(bob.page, tag).locator(".formatted span")).toHaveText(mention);
  const listed = alice.page.getByRole("list", { name: "Messages that mention you" });
  await expect(listed.getByText(`Привет ${tag}`)).toBeVisible();
  await expect(listed.locator(".formatted mark")).toHaveText(mention);
  const channels = alice.page.getByRole("navigation", { name: "Channels" });
  await expect(channels.getByLabel(/^1 mention,/)).toBeVisible();

  // The mention links to the message in its channel; read, it is no
  // longer counted.
  await listed.getByRole("link", { name: `Open the message from ${bob.name} in #General` }).first().click();
  await expect(row(alice.page, tag)).toHaveClass(/mentions-me/);
  await expect(channels.getByLabel(/^1 mention,/)).toHaveCount(0);

  // Tab picks too, and @here is offered in a channel.
  await box.focus();
  await bob.page.keyboard.type("@her");
  await expect(list.getByRole("option", { name: "here" })).toBeVisible();
  await bob.page.keyboard.press("Tab");
  await expect(box).toHaveValue("@here ");
  await box.fill("");

  // Without JavaScript, the server's page.
  const plain = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    storageState: await alice.context.storageState(),
  });
  const noJs = await plain.newPage();
  await noJs.goto("/mentions");
  await expect(noJs.getByRole("heading", { name: "Mentions" })).toBeVisible();
  await expect(noJs.getByText(`Привет ${tag}`)).toBeVisible();
  await plain.close();
});

test("the mention list and a mention, on a phone and a desktop, light and dark", async ({ browser, baseURL }) => {
  const sakura = await chatter(browser, baseURL, "sakura");
  const omar = await chatter(browser, baseURL, "omar");
  await omar.page.getByRole("textbox", { name: "Message" }).fill(`@${sakura.name} مرحبا — 日本語のメッセージ, Привет 🦀`);
  await omar.page.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(messages(sakura.page).locator(".formatted mark").last()).toBeVisible();

  const phone = await browser.newContext({
    baseURL,
    storageState: await omar.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const small = await phone.newPage();
  await small.goto("/");
  await live(small);
  for (const [name, page] of [
    ["desktop", omar.page],
    ["phone", small],
  ] as const) {
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("");
    await box.focus();
    await page.keyboard.type(`@${sakura.name.slice(0, 3)}`);
    await expect(page.getByRole("listbox", { name: "Mention someone" })).toBeVisible();
    // The page never scrolls sideways for it.
    await expectNoSidewaysScroll(page);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: test.info().outputPath(`mention-list-${name}-${scheme}.png`) });
    }
  }
  await sakura.page.mouse.move(0, 0);
  for (const scheme of ["light", "dark"] as const) {
    await sakura.page.emulateMedia({ colorScheme: scheme });
    await sakura.page.screenshot({ path: test.info().outputPath(`mentioned-${scheme}.png`) });
  }
  await phone.close();
});
