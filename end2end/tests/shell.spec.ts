import { test, expect, signUp, uniqueName } from "./fixtures";

test("the chat layout is rendered by the server", async ({ page }) => {
  await signUp(page, uniqueName("layout"));
  await page.goto("/");
  await expect(page).toHaveTitle("General · Banter");
  await expect(page.getByRole("navigation", { name: "Channels" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Direct messages" })).toBeVisible();
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  // Attached, not visible: in a channel nobody has written in yet (this test
  // alone on a fresh server) the log is empty, and has no height.
  await expect(page.getByRole("log", { name: "Messages" })).toBeAttached();
});


test("the page hydrates: the theme toggle works once the WebAssembly runs", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // A Content-Security-Policy violation shows up as a console error.
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await signUp(page, uniqueName("hydrate"));
  await page.goto("/");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-hydrated", "true");

  const toggle = page.getByRole("button", { name: "Dark theme" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");

  // The choice is remembered: the server renders it on the next visit.
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(errors).toEqual([]);
});

test("before hydration, buttons that need the WebAssembly look not ready; then they work", async ({
  page: signUpPage,
  context,
}) => {
  await signUp(signUpPage, uniqueName("early"));
  await signUpPage.close();
  // A page of its own, whose WebAssembly is held back (as on a slow phone)
  // until it has been looked at.
  const page = await context.newPage();
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let asked = false;
  await page.route(/\.wasm$/, async (route) => {
    asked = true;
    await held;
    await route.continue();
  });
  await page.goto("/", { waitUntil: "commit" });
  const newChannel = page.getByRole("button", { name: "New channel" });
  await expect(newChannel).toBeVisible();
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  const look = (button: typeof newChannel) =>
    button.evaluate((b) => ({ opacity: getComputedStyle(b).opacity, cursor: getComputedStyle(b).cursor }));
  expect(await look(newChannel)).toEqual({ opacity: "0.45", cursor: "progress" });
  // Sending works without the WebAssembly (a plain form), so it looks ready.
  const send = page.getByRole("button", { name: "Send" });
  expect((await look(send)).opacity).toBe("1");

  expect(asked).toBe(true);
  release();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  expect(await look(newChannel)).toEqual({ opacity: "1", cursor: "pointer" });
  await newChannel.click();
  await expect(page.getByRole("dialog", { name: "New channel" })).toBeVisible();
});

test("an unknown address shows the 404 page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle("Page not found · Banter");
});

test("a link into the chat from another page loads the chat", async ({ page }) => {
  await signUp(page, uniqueName("lost"));
  await page.goto("/no/such/page");
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("link", { name: "Back to Banter" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-link", "online");
});
