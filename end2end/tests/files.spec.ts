import type { Page } from "@playwright/test";
import { test, expect, chatter, openConversation, messages, row, screenshotAround } from "./fixtures";

/** A PNG drawn by the page itself: a gradient with words in several scripts. */
async function picture(page: Page, width: number, height: number): Promise<Buffer> {
  const url = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext("2d")!;
      const fill = g.createLinearGradient(0, 0, w, h);
      fill.addColorStop(0, "#4f46e5");
      fill.addColorStop(1, "#f59e0b");
      g.fillStyle = fill;
      g.fillRect(0, 0, w, h);
      g.fillStyle = "#fff";
      g.font = `${Math.round(h / 8)}px sans-serif`;
      g.fillText("日本語 Привет العربية 🦀", w / 12, h / 2);
      return canvas.toDataURL("image/png");
    },
    [width, height],
  );
  return Buffer.from(url.split(",")[1], "base64");
}

test("files attach, upload with progress, and show to the other side", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(alice.page, bob.name);
  const image = await picture(alice.page, 640, 400);
  const report = Buffer.from("%PDF-1.4\n% Отчёт 日本語\n", "utf8");

  // While the upload waits, its progress bar is named after the file.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await alice.page.route("**/channels/*/files?*", async (route) => {
    await held;
    await route.continue();
  });
  const attach = alice.page.getByRole("button", { name: "Attach files" });
  await expect(attach).toBeVisible();
  await alice.page.getByLabel("Attach files").setInputFiles([
    { name: "写真 🦀.png", mimeType: "image/png", buffer: image },
    { name: "отчёт.pdf", mimeType: "application/pdf", buffer: report },
  ]);
  const tray = alice.page.getByRole("list", { name: "Files to send" });
  await expect(tray.getByRole("progressbar", { name: "写真 🦀.png" })).toBeVisible();
  await expect(tray.getByRole("progressbar", { name: "отчёт.pdf" })).toBeVisible();
  const words = `Привет, вот файлы 日本語 ${Date.now().toString(36)}`;
  const box = alice.page.getByRole("textbox", { name: "Message" });
  await box.fill(words);
  await box.press("Enter");
  // It shows at once, pending, and waits for its files; the box is free.
  await expect(box).toHaveValue("");
  await expect(row(alice.page, words).getByText("Sending…")).toBeVisible();
  await expect(tray.getByRole("progressbar", { name: "写真 🦀.png" })).toBeVisible();
  await screenshotAround(alice.page, "files-uploading", test.info());
  release();

  // Then it goes, with both files, for both.
  await expect(tray).toBeHidden();
  for (const page of [alice.page, bob.page]) {
    if (page === bob.page) {
      await page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: alice.name }).click();
    }
    const message = row(page, words);
    const img = message.getByRole("img", { name: "写真 🦀.png" });
    await expect(img).toBeVisible();
    await expect(img).toHaveAttribute("width", "640");
    await expect(img).toHaveAttribute("height", "400");
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(640);
    await expect(message.getByRole("link", { name: "Download 写真 🦀.png" })).toBeVisible();
    await expect(message.getByRole("link", { name: "Download отчёт.pdf" })).toBeVisible();
  }
  await screenshotAround(bob.page, "files-message", test.info());

  // The image opens in the viewer, with its own download link.
  await row(bob.page, words).getByRole("img", { name: "写真 🦀.png" }).click();
  const viewer = bob.page.getByRole("dialog", { name: "Image viewer" });
  await expect(viewer.getByRole("img", { name: "写真 🦀.png" })).toBeVisible();
  await expect(viewer.getByRole("link", { name: "Download 写真 🦀.png" })).toBeVisible();
  await screenshotAround(bob.page, "files-viewer", test.info());
  await viewer.getByRole("button", { name: "Close" }).click();
  await expect(viewer).toBeHidden();

  // The file downloads under its own name.
  const download = bob.page.waitForEvent("download");
  await row(bob.page, words).getByRole("link", { name: "Download отчёт.pdf" }).click();
  expect((await download).suggestedFilename()).toBe("отчёт.pdf");
});

test("a refused upload says why and keeps the words", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(alice.page, bob.name);
  let refuse = true;
  await alice.page.route("**/channels/*/files?*", async (route) => {
    if (refuse) {
      await route.fulfill({ status: 413, contentType: "text/plain", body: "the file is too large: at most 25 MB" });
    } else {
      await route.continue();
    }
  });
  await alice.page.getByLabel("Attach files").setInputFiles([
    { name: "notes 日本語.txt", mimeType: "text/plain", buffer: Buffer.from("Привет\n") },
  ]);
  const tray = alice.page.getByRole("list", { name: "Files to send" });
  await expect(tray.getByRole("alert")).toHaveText("the file is too large: at most 25 MB");
  const box = alice.page.getByRole("textbox", { name: "Message" });
  const words = `العربية ${Date.now().toString(36)}`;
  await box.fill(words);
  await box.press("Enter");
  await expect(alice.page.locator(".composer-error")).toHaveText("notes 日本語.txt: the file is too large: at most 25 MB");
  await expect(box).toHaveValue(words);

  // Retried, it goes; removed, it would not have.
  refuse = false;
  await tray.getByRole("button", { name: "Retry notes 日本語.txt" }).click();
  await expect(tray.getByText("Ready")).toBeVisible();
  await box.press("Enter");
  await expect(row(alice.page, words).getByRole("link", { name: "Download notes 日本語.txt" })).toBeVisible();
  await expect(messages(alice.page)).toContainText(words);
});

test("messages wait for their files in the order written, and a reload keeps the words", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await openConversation(alice.page, bob.name);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await alice.page.route("**/channels/*/files?*", async (route) => {
    await held;
    await route.continue();
  });
  const box = alice.page.getByRole("textbox", { name: "Message" });
  const tag = Date.now().toString(36);
  await alice.page.getByLabel("Attach files").setInputFiles([
    { name: "первый.txt", mimeType: "text/plain", buffer: Buffer.from("один\n") },
  ]);
  await box.fill(`first 日本語 ${tag}`);
  await box.press("Enter");
  // The second has no file, but goes after the first.
  await box.fill(`second العربية ${tag}`);
  await box.press("Enter");
  await expect(row(alice.page, `second العربية ${tag}`).getByText("Sending…")).toBeVisible();
  // The page shows something else while the file goes: it still goes.
  await alice.page.getByRole("link", { name: "Mentions" }).click();
  await expect(alice.page).toHaveURL(/\/mentions$/);
  release();
  await expect(bob.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: alice.name })).toBeVisible();
  await bob.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: alice.name }).click();
  await expect(row(bob.page, `first 日本語 ${tag}`).getByRole("link", { name: "Download первый.txt" })).toBeVisible();
  await alice.page.goBack();
  const log = messages(alice.page);
  await expect(row(alice.page, `first 日本語 ${tag}`).getByRole("link", { name: "Download первый.txt" })).toBeVisible();
  await expect(log.getByText(`second العربية ${tag}`)).toBeVisible();
  const texts = await log.locator(".message-text").allInnerTexts();
  const first = texts.findIndex((t) => t.includes(`first 日本語 ${tag}`));
  const second = texts.findIndex((t) => t.includes(`second العربية ${tag}`));
  expect(first).toBeGreaterThanOrEqual(0);
  expect(second).toBeGreaterThan(first);

  // Held again, then the page reloads: the words come back, not sent, to
  // be sent alone or dropped.
  await alice.page.unroute("**/channels/*/files?*");
  await alice.page.route("**/channels/*/files?*", () => {});
  await alice.page.getByLabel("Attach files").setInputFiles([
    { name: "потерянный.txt", mimeType: "text/plain", buffer: Buffer.from("два\n") },
  ]);
  await box.fill(`kept 🦀 ${tag}`);
  await box.press("Enter");
  await expect(row(alice.page, `kept 🦀 ${tag}`).getByText("Sending…")).toBeVisible();
  await alice.page.reload();
  const kept = row(alice.page, `kept 🦀 ${tag}`);
  await expect(kept.getByText("its files were still uploading when the page closed")).toBeVisible();
  await kept.getByRole("button", { name: "Retry" }).click();
  await expect(kept.getByText("Sending…")).toBeHidden();
  await expect(kept.getByText("Not sent")).toBeHidden();
  await expect(messages(bob.page).getByText(`kept 🦀 ${tag}`)).toBeVisible();
});

test("without JavaScript, the plain form sends files and the page shows them small", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const image = await picture(alice.page, 1600, 900);
  const plain = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    storageState: await alice.context.storageState(),
  });
  const page = await plain.newPage();
  await page.goto("/c/1");
  const words = `без скрипта 日本語 ${Date.now().toString(36)}`;
  await page.getByLabel("Attach files").setInputFiles([
    { name: "大きい写真.png", mimeType: "image/png", buffer: image },
    { name: "заметки.txt", mimeType: "text/plain", buffer: Buffer.from("العربية 🦀\n") },
  ]);
  await page.getByRole("textbox", { name: "Message" }).fill(words);
  await screenshotAround(page, "files-no-js-form", test.info());
  await page.getByRole("button", { name: "Send" }).click();

  const message = row(page, words);
  const img = message.getByRole("img", { name: "大きい写真.png" });
  await expect(img).toBeVisible();
  await expect(img).toHaveAttribute("width", "1600");
  await expect(message.getByRole("link", { name: "Download заметки.txt" })).toBeVisible();
  // What the page shows is the thumbnail: a small JPEG.
  const src = await img.getAttribute("src");
  expect(src).toMatch(/\?thumb$/);
  const thumb = await page.request.get(src!);
  expect(thumb.headers()["content-type"]).toBe("image/jpeg");
  expect((await thumb.body()).length).toBeLessThan(image.length);
  await screenshotAround(page, "files-no-js-message", test.info());
  await plain.close();
});
