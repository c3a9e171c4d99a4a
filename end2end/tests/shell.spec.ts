import { test, expect, signUp, uniqueName } from "./fixtures";

test("the chat layout is rendered by the server", async ({ page }) => {
  await signUp(page, uniqueName("layout"));
  await page.goto("/");
  await expect(page).toHaveTitle("General · Banter");
  await expect(page.getByRole("navigation", { name: "Channels" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Direct messages" })).toBeVisible();
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "General" })).toBeVisible();
  await expect(page.getByRole("log", { name: "Messages" })).toBeVisible();
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

test("an unknown address shows the 404 page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle("Page not found · Banter");
});
