import type { BrowserContext, Page } from "@playwright/test";
import { test, expect, chatter, live, say, row, expectNoSidewaysScroll } from "./fixtures";

/** The page's title and favicon say whether anything needs the reader. */
async function expectNeeding(page: Page, count: number) {
  if (count === 0) {
    await expect(page).toHaveTitle(/^[^(]/);
    await expect(page.locator("link[rel=icon]")).toHaveAttribute("href", "/favicon.svg");
  } else {
    await expect(page).toHaveTitle(new RegExp(`^\\(${count}\\) `));
    await expect(page.locator("link[rel=icon]")).toHaveAttribute("href", "/favicon-dot.svg");
  }
}

test("a channel's Notifications setting holds in every tab; the title and favicon count what needs you", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const tag = Date.now().toString(36);
  const other = await alice.context.newPage();
  await other.goto("/c/1");
  await live(other);
  const channels = alice.page.getByRole("navigation", { name: "Channels" });
  const general = channels.getByRole("listitem").filter({ hasText: "General" });
  const away = async () => {
    for (const page of [alice.page, other]) {
      await page.getByRole("link", { name: "Mentions" }).click();
      await expect(page.getByRole("heading", { name: "Mentions" })).toBeVisible();
    }
  };

  // The control offers the three settings; the default for a small channel
  // is all messages. Choosing in one tab shows in the other.
  const setting = alice.page.getByRole("combobox", { name: "Notifications", exact: true });
  await expect(setting).toHaveValue("all");
  await expect(setting.getByRole("option")).toHaveText(["All messages", "Mentions only", "Nothing"]);
  await setting.selectOption({ label: "Mentions only" });
  await expect(other.getByRole("combobox", { name: "Notifications", exact: true })).toHaveValue("mentions");

  // Mentions only: a message still shows as unread, but only a mention
  // needs the reader, in the title and the favicon of every tab.
  await away();
  await say(bob.page, `Привет ${tag}-1`);
  await expect(general.getByRole("img", { name: "1 unread", exact: true })).toBeVisible();
  await expectNeeding(alice.page, 0);
  await say(bob.page, `@${alice.name} 日本語 ${tag}-2`);
  await expect(general.getByRole("img", { name: "1 mention, 2 unread" })).toBeVisible();
  await expectNeeding(alice.page, 1);
  await expectNeeding(other, 1);

  // Nothing: muted, only a mention shows.
  await alice.page.getByRole("link", { name: "General", exact: true }).click();
  await setting.selectOption({ label: "Nothing" });
  await expectNeeding(alice.page, 0);
  await away();
  await say(bob.page, `العربية ${tag}-3`);
  await say(bob.page, `@${alice.name} 🦀 ${tag}-4`);
  await expect(general.getByRole("img", { name: "1 mention", exact: true })).toBeVisible();
  await expect(general).toHaveClass(/muted/);
  await expectNeeding(other, 1);
  await other.close();
});

/** Replaces the browser's notifications and visibility in every page of
 * `context` with ones the test controls and reads: a notification made is
 * recorded in `window.__notes`, and `window.__setHidden(true)` hides the
 * page as switching tabs does. */
async function fakeNotificationsAndVisibility(context: BrowserContext) {
  await context.addInitScript(() => {
    const w = window as any;
    w.__notes = [];
    class FakeNotification {
      title: string;
      body: string;
      tag: string;
      onclick: (() => void) | null = null;
      constructor(title: string, options: NotificationOptions = {}) {
        this.title = title;
        this.body = options.body ?? "";
        this.tag = options.tag ?? "";
        w.__notes.push(this);
      }
      close() {}
      static get permission() {
        return localStorage.getItem("test.permission") ?? "default";
      }
      static async requestPermission() {
        localStorage.setItem("test.permission", "granted");
        return "granted";
      }
    }
    w.Notification = FakeNotification;
    let hidden = false;
    Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { get: () => hidden });
    w.__setHidden = (value: boolean) => {
      hidden = value;
      // As a browser does: it bubbles to the window, where the page listens.
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    };
  });
}

/** The notifications every page has shown: title, body and tag. */
async function shown(pages: Page[]) {
  const all = await Promise.all(
    pages.map((page) =>
      page.evaluate(() => (window as any).__notes.map((n: any) => ({ title: n.title, body: n.body, tag: n.tag }))),
    ),
  );
  return all.flat();
}

test("with five hidden tabs, a mention shows one desktop notification; none while a tab is on screen", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  await fakeNotificationsAndVisibility(alice.context);

  // Asked only when the button is pressed, from the settings page, which
  // the sidebar's footer leads to.
  await alice.page.reload();
  await live(alice.page);
  await alice.page.getByRole("link", { name: "Settings" }).click();
  await expect(alice.page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await live(alice.page);
  expect(await alice.page.evaluate(() => localStorage.getItem("test.permission"))).toBeNull();
  await alice.page.getByRole("button", { name: "Enable desktop notifications" }).click();
  await expect(alice.page.getByText("Desktop notifications are on in this browser.")).toBeVisible();

  const tabs = [alice.page];
  for (let i = 0; i < 4; i++) {
    const tab = await alice.context.newPage();
    await tab.goto(i % 2 ? "/mentions" : "/c/1");
    await live(tab);
    tabs.push(tab);
  }
  // Every tab takes part: one holds the lock, four wait for it.
  await expect
    .poll(() =>
      alice.page.evaluate(async () => {
        const locks = await navigator.locks.query();
        return [...(locks.held ?? []), ...(locks.pending ?? [])].filter((l) => l.name === "banter.alerts").length;
      }),
    )
    .toBe(5);
  for (const tab of tabs) await tab.evaluate(() => (window as any).__setHidden(true));

  const tag = Date.now().toString(36);
  await say(bob.page, `@${alice.name} **日本語** Привет ${tag}-1`);
  await expect.poll(async () => (await shown(tabs)).length).toBe(1);
  await say(bob.page, `@${alice.name} العربية 🦀 ${tag}-2`);
  await expect.poll(async () => (await shown(tabs)).length).toBe(2);
  const [first, second] = await shown(tabs);
  expect(first.title).toBe(`${bob.name} in #General`);
  expect(first.body).toBe(`@${alice.name} 日本語 Привет ${tag}-1`);
  expect(second.body).toContain(`${tag}-2`);
  expect(first.tag).not.toBe(second.tag);

  // One tab on screen: it answers the notifying tab's question ("is any
  // tab on screen?"), the reader sees the message there, and no
  // notification is shown. (The test hears the answer on a channel of its
  // own in that tab.)
  await tabs[3].evaluate(() => {
    const w = window as any;
    w.__answered = new Promise<void>((resolve) => {
      const listen = new BroadcastChannel("banter.alerts");
      listen.onmessage = (event) => {
        if (event.data[0] === "seen") {
          listen.close();
          resolve();
        }
      };
    });
    w.__setHidden(false);
  });
  await say(bob.page, `@${alice.name} ${tag}-3`);
  await tabs[3].evaluate(() => (window as any).__answered);
  await tabs[3].evaluate(() => (window as any).__setHidden(true));
  await say(bob.page, `@${alice.name} ${tag}-4`);
  await expect.poll(async () => (await shown(tabs)).length).toBe(3);
  const bodies = (await shown(tabs)).map((n) => n.body);
  expect(bodies.some((b) => b.includes(`${tag}-3`))).toBe(false);
  expect(bodies[2]).toContain(`${tag}-4`);

  // Clicking it opens the message in the tab that showed it.
  const holder = (
    await Promise.all(tabs.map(async (tab) => ((await tab.evaluate(() => (window as any).__notes.length)) ? tab : null)))
  ).find((tab) => tab !== null)!;
  await holder.evaluate(() => {
    const notes = (window as any).__notes;
    notes[notes.length - 1].onclick();
  });
  await expect(holder).toHaveURL(/\/c\/1\?before=\d+#m\d+$/);
  await expect(holder.getByRole("log", { name: "Messages" }).getByText(`${tag}-4`)).toBeVisible();
});

test("the settings page and the Notifications control, on a phone and a desktop, light and dark", async ({
  browser,
  baseURL,
}) => {
  const maya = await chatter(browser, baseURL, "maya");
  await maya.page.getByRole("link", { name: "Settings" }).click();
  await expect(maya.page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expect(maya.page.getByRole("button", { name: "Enable desktop notifications" })).toBeVisible();
  // The theme: following the system until a choice is made.
  await expect(maya.page.getByRole("radio", { name: "Match the system" })).toBeChecked();
  await maya.page.getByRole("radio", { name: "Dark" }).check();
  await expect(maya.page.locator("html")).toHaveAttribute("data-theme", "dark");
  await maya.page.reload();
  await expect(maya.page.getByRole("radio", { name: "Dark" })).toBeChecked();
  await maya.page.getByRole("radio", { name: "Match the system" }).check();
  await expect(maya.page.locator("html")).not.toHaveAttribute("data-theme", /./);

  const phone = await browser.newContext({
    baseURL,
    storageState: await maya.context.storageState(),
    viewport: { width: 375, height: 740 },
  });
  const small = await phone.newPage();
  for (const [name, page] of [
    ["desktop", maya.page],
    ["phone", small],
  ] as const) {
    for (const path of ["/settings", "/c/1"]) {
      await page.goto(path);
      await live(page);
      await expectNoSidewaysScroll(page);
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const shot = path === "/c/1" ? "notify-setting" : "settings";
        await page.screenshot({ path: test.info().outputPath(`${shot}-${name}-${scheme}.png`) });
      }
    }
  }
  await phone.close();
});

test("with notifications allowed, the page registers the service worker, which shows what is pushed", async ({
  browser,
  baseURL,
}) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const tag = Date.now().toString(36);
  await say(bob.page, `Привет ${tag}`);
  const sent = row(bob.page, tag);
  await expect(sent).toHaveAttribute("id", /^m\d+$/);
  const anchor = await sent.getAttribute("id");
  const seq = Number(anchor?.replace(/^m/, ""));
  expect(seq).toBeGreaterThan(0);

  // Allowed: the page registers Banter's worker (the WebAssembly does, once
  // it knows notifications are on).
  await alice.context.grantPermissions(["notifications"], { origin: baseURL });
  await alice.page.reload();
  await live(alice.page);
  const script = await alice.page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.scriptURL ?? "";
  });
  expect(script).toBe(new URL("/sw.js", baseURL).href);

  // A push, as the server sends it (the browser's push service, which
  // decrypts it, is out of reach here: DevTools hands the worker the
  // payload instead), shows one notification.
  const devtools = await alice.context.newCDPSession(alice.page);
  const registered = new Promise<string>((resolve) =>
    devtools.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const ours = registrations.find((r: any) => r.scopeURL === new URL("/", baseURL).href && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    }),
  );
  await devtools.send("ServiceWorker.enable");
  const registrationId = await registered;
  const notice = {
    title: `${bob.name} in #General`,
    body: `Привет ${tag}`,
    tag: `banter-m${tag}`,
    url: `/c/1?before=${seq + 1}#m${seq}`,
  };
  await devtools.send("ServiceWorker.deliverPushMessage", {
    origin: new URL(baseURL!).origin,
    registrationId,
    data: JSON.stringify(notice),
  });
  await expect
    .poll(() =>
      alice.page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        const shown = await registration.getNotifications();
        return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
      }),
    )
    .toEqual([{ title: notice.title, body: notice.body, tag: notice.tag }]);
  await devtools.detach();
});
