// Banter's service worker: Web Push with every Banter tab closed.
//
// A page that may notify (its reader allowed notifications) registers this
// worker and posts it "subscribe". The worker subscribes the browser with
// Banter's public key (from /push/key), and gives the subscription to the
// server for the session signed in, on every page start: a new log-in or a
// new key is caught up at once. A push shows one notification, tagged by
// message as an open tab's would be; clicking it focuses a Banter tab at
// the message, or opens one.
//
// This is the one script Banter has that is not Rust: a worker must be
// JavaScript, and this one is small enough to read.

"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  if (event.data === "subscribe") event.waitUntil(subscribe());
});

async function subscribe() {
  const key = await fetch("/push/key", { cache: "no-store" });
  if (!key.ok) return;
  const serverKey = (await key.text()).trim();
  const manager = self.registration.pushManager;
  let subscription = await manager.getSubscription();
  if (subscription && base64url(subscription.options.applicationServerKey) !== serverKey) {
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    subscription = await manager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: serverKey,
    });
  }
  await fetch("/push/subscriptions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(subscription),
  });
}

function base64url(buffer) {
  if (!buffer) return "";
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

self.addEventListener("push", (event) => {
  let notice;
  try {
    notice = event.data.json();
  } catch {
    return;
  }
  event.waitUntil(
    self.registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      icon: "/favicon.svg",
      data: { url: notice.url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil(open(url));
});

async function open(url) {
  const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const tab = tabs.find((client) => new URL(client.url).origin === self.location.origin);
  if (tab) {
    await tab.focus();
    return tab.navigate(url);
  }
  return self.clients.openWindow(url);
}
