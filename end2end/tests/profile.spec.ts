import AxeBuilder from "@axe-core/playwright";
import { test, expect, chatter, say, row, live, messages, screenshotAround } from "./fixtures";

test("a display name chosen in the settings shows beside the username", async ({ browser, baseURL }) => {
  const alice = await chatter(browser, baseURL, "alice");
  const bob = await chatter(browser, baseURL, "bob");
  const display = "Алиса 日本語 العربية 🦀";

  // Alice names herself on /settings: the form shows her username, and
  // saving comes back to the page saying so, with the name in the field.
  await alice.page.goto("/settings");
  await live(alice.page);
  const profile = alice.page.getByRole("region", { name: "Profile" });
  await expect(profile.getByText(`Your username is ${alice.name}.`)).toBeVisible();
  const field = profile.getByRole("textbox", { name: "Display name" });
  await expect(field).toHaveValue("");
  await field.fill(display);
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(alice.page.getByRole("status").filter({ hasText: "Your profile is saved." })).toBeVisible();
  await expect(field).toHaveValue(display);
  const axe = await new AxeBuilder({ page: alice.page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  expect(serious).toEqual([]);
  await screenshotAround(alice.page, "profile", test.info());

  // A name that breaks the rules is refused, said on the page.
  await field.fill("a\u202Eb");
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(profile.getByRole("alert")).toHaveText("a name cannot contain control characters or direction overrides");

  // Her message shows the name, her username beside it, to bob live.
  await alice.page.goto("/");
  await live(alice.page);
  const words = `Привет 👋 ${Date.now().toString(36)}`;
  await say(alice.page, words);
  const heard = row(bob.page, words);
  await expect(heard.locator(".author")).toHaveText(display);
  await expect(heard.locator(".username")).toHaveText(alice.name);
  await expect(row(alice.page, words).locator(".author")).toHaveText(display);
  await screenshotAround(bob.page, "display-name", test.info());
  // And in the member list.
  await bob.page.getByRole("button", { name: "Members" }).click();
  const panel = bob.page.getByRole("complementary", { name: "Members" });
  await expect(panel.getByRole("listitem").filter({ hasText: display })).toContainText(alice.name);
  await expect(messages(bob.page).getByText(words)).toBeVisible();
  await screenshotAround(bob.page, "display-name-members", test.info());
});
