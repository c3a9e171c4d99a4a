import AxeBuilder from "@axe-core/playwright";
import { test, expect, chatter, say, row, screenshotAround } from "./fixtures";

test("blocking someone from the settings stops them writing to you, until unblocked", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");

  // Alice finds the page from her settings, and blocks bob by name.
  await alice.page.goto("/settings");
  await alice.page.getByRole("link", { name: "Manage blocked people" }).click();
  await expect(alice.page.getByRole("heading", { level: 1, name: "Blocked people" })).toBeVisible();
  await expect(alice.page.getByText("You have not blocked anyone.")).toBeVisible();
  await alice.page.getByRole("textbox", { name: "Username" }).fill(bob.name.toUpperCase());
  await alice.page.getByRole("button", { name: "Block", exact: true }).click();
  const list = alice.page.getByRole("list", { name: "Blocked" });
  await expect(list.getByRole("button", { name: `Unblock ${bob.name}` })).toBeVisible();
  await expect(alice.page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const axe = await new AxeBuilder({ page: alice.page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  expect(serious).toEqual([]);
  await screenshotAround(alice.page, "blocked", test.info());

  // A name nobody has is refused, and said so on the page.
  await alice.page.getByRole("textbox", { name: "Username" }).fill("ни-кого-нет");
  await alice.page.getByRole("button", { name: "Block", exact: true }).click();
  await expect(alice.page.getByText("nobody has that username")).toBeVisible();

  // Bob cannot start a conversation with her: the dialog says why.
  await bob.page.getByRole("button", { name: "New message" }).click();
  const dialog = bob.page.getByRole("dialog", { name: "New message" });
  await dialog.getByRole("searchbox", { name: "Search people" }).fill(alice.name);
  await dialog.getByRole("option", { name: alice.name }).click();
  await dialog.getByRole("button", { name: "Start conversation" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("you cannot start a conversation with someone who blocked you");
  await bob.page.keyboard.press("Escape");

  // Unblocked, he can.
  await list.getByRole("button", { name: `Unblock ${bob.name}` }).click();
  await expect(alice.page.getByText("You have not blocked anyone.")).toBeVisible();
  await bob.page.getByRole("button", { name: "New message" }).click();
  await dialog.getByRole("searchbox", { name: "Search people" }).fill(alice.name);
  await dialog.getByRole("option", { name: alice.name }).click();
  await dialog.getByRole("button", { name: "Start conversation" }).click();
  await expect(bob.page.getByRole("heading", { level: 1, name: alice.name })).toBeVisible();
  const words = `日本語 Привет العربية 🦀 ${Date.now().toString(36)}`;
  await say(bob.page, words);
  await expect(row(bob.page, words)).toBeVisible();
});
