// Access control in the console: signing in and out of a Plugboard that requires login, a
// viewer who is offered no action, and names and traces holding HTML shown as text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "./browser.mjs";
import { CLUSTER, SLOW, browserForTests, connectorPath, createConnector, createSink, uniqueName, waitForHeaderState } from "./helpers.mjs";

const LOGIN_URL = process.env.PLUGBOARD_LOGIN_URL ?? "http://127.0.0.1:8081";
const PASSWORD = process.env.E2E_PASSWORD;
const SCREENSHOTS = new URL("./test-results/", import.meta.url).pathname;
const created = [];
const openPage = browserForTests(created);

async function signIn(page, user) {
  await page.goto(LOGIN_URL);
  await page.getByTestId("sign-in-user").fill(user);
  await page.getByTestId("sign-in-password").fill(PASSWORD);
  await page.getByTestId("sign-in-button").click();
  await page.getByTestId("signed-in-user").waitFor();
}

test("signing in shows the console, a wrong password does not, signing out ends it", async () => {
  const page = await openPage();
  await page.goto(LOGIN_URL);
  await page.getByTestId("sign-in").waitFor();
  await page.getByTestId("sign-in-user").fill("admin");
  await page.getByTestId("sign-in-password").fill("not the password");
  await page.getByTestId("sign-in-button").click();
  assert.match(await page.getByTestId("sign-in-error").innerText(), /wrong user name or password/);

  await signIn(page, "admin");
  assert.match(await page.getByTestId("signed-in-user").innerText(), /admin · admin/);
  await page.getByTestId("new-connector").waitFor();
  const cookies = await page.context().cookies(LOGIN_URL);
  const session = cookies.find((c) => c.name === "plugboard_session");
  assert.ok(session?.httpOnly, "the session cookie is HttpOnly");
  assert.equal(session.sameSite, "Strict");

  await page.getByTestId("sign-out").click();
  await page.getByTestId("sign-in").waitFor();
  await page.reload();
  await page.getByTestId("sign-in").waitFor();
  await page.close();
});

test("a session ended elsewhere sends the console back to the sign-in form, without a reload", async () => {
  const page = await openPage();
  await signIn(page, "admin");
  await page.getByRole("link", { name: "Plugins" }).click();
  await page.getByTestId("plugin-row").first().waitFor();
  await page.evaluate(() => { window.stillTheSamePage = true; });
  // The session cookie gone, as when the session expires or an admin removes the user: the next
  // call the console makes is answered 401.
  await page.context().clearCookies();
  await page.getByRole("link", { name: "Loggers" }).click();
  await page.getByTestId("sign-in").waitFor();
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true, "no reload: the 401 was acted on in the app");
  assert.equal(await page.getByTestId("signed-in-user").count(), 0);
  await page.close();
});

test("a viewer sees a connector but no action buttons", async () => {
  const name = uniqueName("viewed");
  created.push(name);
  await createSink(name);
  const page = await openPage();
  await signIn(page, "viewer");
  await page.goto(`${LOGIN_URL}${connectorPath(name)}`);
  await waitForHeaderState(page, "RUNNING");
  await page.getByTestId("no-actions").waitFor();
  for (const id of ["pause", "stop", "delete", "edit", "clone", "restart-menu"]) {
    assert.equal(await page.getByTestId(id).count(), 0, `no ${id} button for a viewer`);
  }
  assert.equal(await page.getByRole("button", { name: /Restart task/ }).count(), 0);
  assert.equal(await page.getByRole("button", { name: /offsets/i }).count(), 0);
  await page.goto(`${LOGIN_URL}/clusters/${CLUSTER}`);
  await page.getByTestId("connector-row").first().waitFor();
  assert.equal(await page.getByTestId("new-connector").count(), 0);
  assert.equal(await page.getByTestId("select-row").count(), 0, "no rows to tick for bulk actions");
  await page.screenshot({ path: `${SCREENSHOTS}viewer-connector.png`, fullPage: true });
  await page.close();
});

test("a connector named like an HTML tag, with HTML in its trace, shows as text", async () => {
  const name = `<img src=x onerror=alert(1)> ${uniqueName("xss")}`;
  created.push(name);
  await createConnector(name, {
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "tasks.max": "1",
    topics: uniqueName("xss-topic"),
    file: "/nonexistent-plugboard-dir/<b>bold</b>.out",
  });
  const page = await openPage();
  const dialogs = [];
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(`${BASE_URL}${connectorPath(name)}`);
  assert.equal(await page.getByTestId("connector-name").innerText(), name);
  const trace = page.getByTestId("trace").first();
  await trace.waitFor({ timeout: SLOW });
  await trace.locator("summary").click();
  assert.match(await trace.innerText(), /<b>bold<\/b>/);
  assert.equal(await page.locator("img[src=x]").count(), 0, "no img element was made");
  assert.equal(await page.locator(".trace b").count(), 0, "no b element was made");
  await page.goto(`${BASE_URL}/clusters/${CLUSTER}`);
  await page.getByText(name).first().waitFor();
  assert.equal(await page.locator("img[src=x]").count(), 0);
  assert.deepEqual(dialogs, [], "no script ran");
  await page.close();
});

test("an admin adds a user and makes a token, shown once, in the console", async () => {
  const page = await openPage();
  await signIn(page, "admin");
  await page.getByRole("link", { name: "Access" }).click();
  const user = uniqueName("ops");
  await page.getByTestId("user-name").fill(user);
  await page.getByTestId("user-roles").fill(`operator@${CLUSTER} viewer`);
  await page.getByTestId("user-password").fill("a long enough password");
  await page.getByTestId("add-user").click();
  const row = page.locator(`[data-testid=user-row][data-user="${user}"]`);
  await row.waitFor();
  assert.equal(await row.getByLabel("Roles").inputValue(), `operator@${CLUSTER} viewer`);

  await page.getByTestId("token-name").fill("deploy script");
  await page.getByTestId("create-token").click();
  const shown = await page.getByTestId("new-token").innerText();
  const token = shown.match(/pbt_[0-9a-f]{64}/)?.[0];
  assert.ok(token, shown);
  const me = await fetch(`${LOGIN_URL}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await me.json()).name, "admin");
  await page.reload();
  await page.getByTestId("token-row").first().waitFor();
  assert.equal(await page.getByTestId("new-token").count(), 0, "not shown again");
  assert.ok(!(await page.content()).includes(token));
  await page.close();
});
