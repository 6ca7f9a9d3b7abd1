// The console against the real local Connect cluster in Debian's Chromium: the create form
// generated from validate, the JSON tab, clone, edit with its diff, actions, bulk actions and
// delete. Screenshots of the main pages are saved in playwright/test-results/.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { BASE_URL } from "./browser.mjs";
import {
  CLUSTER, api, browserForTests, connectorPath, createSink, deleteIfPresent, getConnector, openRunningSink,
  uniqueName, waitForHeaderState,
} from "./helpers.mjs";

// The Connect 3.9 cluster scripts/test.sh configures beside the Connect 4 ones.
const LEGACY = "legacy";

const SCREENSHOTS = new URL("./test-results/", import.meta.url).pathname;
const created = [];
const openPage = browserForTests(created);
before(() => mkdirSync(SCREENSHOTS, { recursive: true }));

async function openCreateForm(page, cluster = CLUSTER) {
  await page.goto(`${BASE_URL}/clusters/${cluster}/new`);
  await page.getByTestId("plugin-search").fill("FileStreamSink");
  await page.locator("[data-testid=plugin][data-class$=FileStreamSinkConnector]").click();
  await page.locator("[data-setting=name] input").waitFor();
}

for (const [cluster, version] of [[CLUSTER, "Connect 4"], [LEGACY, "Connect 3.9"]]) {
  test(`a sink created through the form on ${version}: the first submit shows the missing topics inline, the second creates it`, async () => {
    const page = await openPage();
    const name = uniqueName("e2e-form");
    created.push([name, cluster]);
    await openCreateForm(page, cluster);

    await page.locator("[data-setting=name] input").fill(name);
    await page.locator("[data-setting=file] input").fill(`/tmp/${name}.out`);
    await page.getByTestId("submit").click();

    const topicsError = page.locator("[data-setting=topics] [data-testid=field-error]");
    await topicsError.first().waitFor();
    assert.match(await topicsError.first().textContent(), /topics/);
    assert.match(await page.getByTestId("form-errors").textContent(), /need|needs attention/);
    if (cluster === CLUSTER) await page.screenshot({ path: `${SCREENSHOTS}create-form.png`, fullPage: true });

    await page.locator("[data-setting=topics] input").fill(`${name}-topic`);
    await page.getByTestId("submit").click();

    await page.waitForURL(`${BASE_URL}${connectorPath(name, cluster)}`);
    await waitForHeaderState(page, "RUNNING");
    const live = await getConnector(name, cluster);
    assert.equal(live.config.topics, `${name}-topic`);
    assert.equal(live.config.file, `/tmp/${name}.out`);
    if (cluster === CLUSTER) await page.screenshot({ path: `${SCREENSHOTS}connector-page.png`, fullPage: true });
  });
}

test("the JSON tab and the form edit the same config", async () => {
  const page = await openPage();
  await openCreateForm(page);

  await page.locator("[data-setting=topics] input").fill("from-the-form");
  await page.getByTestId("tab-json").click();
  const text = JSON.parse(await page.getByTestId("config-text").inputValue());
  assert.equal(text.topics, "from-the-form");

  text.topics = "from-the-json";
  text["tasks.max"] = "3";
  await page.getByTestId("config-text").fill(JSON.stringify(text, null, 2));
  await page.getByTestId("tab-form").click();

  assert.equal(await page.locator("[data-setting=topics] input").inputValue(), "from-the-json");
  assert.equal(await page.locator("[data-setting='tasks.max'] input").inputValue(), "3");
});

test("cloning a connector prefills its config under a new name", async () => {
  const page = await openPage();
  const source = uniqueName("e2e-clone-src");
  const copy = `${source}-2`;
  created.push(source, copy);
  await createSink(source);

  await page.goto(`${BASE_URL}${connectorPath(source)}`);
  await page.getByTestId("clone").click();
  const nameInput = page.locator("[data-setting=name] input");
  await page.waitForFunction((expected) => document.querySelector("[data-setting=name] input")?.value === expected, `${source}-copy`);
  assert.equal(await page.locator("[data-setting=topics] input").inputValue(), `${source}-topic`);

  await nameInput.fill(copy);
  await page.getByTestId("submit").click();

  await page.waitForURL(`${BASE_URL}${connectorPath(copy)}`);
  const live = await getConnector(copy);
  assert.equal(live.config.topics, `${source}-topic`);
  assert.equal(live.config.name, copy);
});

test("an edit shows the diff against the live config before it is applied", async () => {
  const page = await openPage();
  const name = uniqueName("e2e-edit");
  created.push(name);
  await createSink(name);

  await page.goto(`${BASE_URL}${connectorPath(name)}`);
  await page.getByTestId("edit").click();
  await page.locator("[data-setting=file] input").fill(`/tmp/${name}.edited`);
  await page.getByTestId("submit").click();

  const row = page.locator("[data-testid=diff-row][data-key=file]");
  await row.waitFor();
  assert.equal(await page.getByTestId("diff-row").count(), 1);
  assert.equal(await row.locator(".before").textContent(), `/tmp/${name}.out`);
  assert.equal(await row.locator(".after").textContent(), `/tmp/${name}.edited`);
  assert.equal((await getConnector(name)).config.file, `/tmp/${name}.out`, "nothing applied before Apply");

  await page.getByTestId("reason").fill("e2e: write elsewhere");
  await page.getByTestId("apply").click();

  await page.waitForURL(`${BASE_URL}${connectorPath(name)}`);
  await page.locator("[data-testid=config-table] tr[data-key=file] td", { hasText: `${name}.edited` }).waitFor();
  assert.equal((await getConnector(name)).config.file, `/tmp/${name}.edited`);
});

test("pause, resume and restart change the badges and report the new state", async () => {
  const page = await openPage();
  const name = await openRunningSink(page, "e2e-actions", created);

  await page.getByTestId("pause").click();
  await waitForHeaderState(page, "PAUSED");
  await page.locator("[data-testid=toast-success]", { hasText: "Paused" }).waitFor();
  assert.equal((await getConnector(name)).summary.state, "PAUSED");

  await page.getByTestId("resume").click();
  await waitForHeaderState(page, "RUNNING");

  await page.getByTestId("restart-menu").click();
  await page.getByTestId("restart-all").click();
  await page.locator("[data-testid=toast-success]", { hasText: `Restarted ${name}` }).waitFor();
  await waitForHeaderState(page, "RUNNING");
});

test("a sink's offsets are reset from its page: stopped, reset and resumed in one go", async () => {
  const page = await openPage();
  const name = await openRunningSink(page, "e2e-offsets", created);

  await page.getByRole("button", { name: "Reset offsets", exact: true }).click();
  await page.getByTestId("confirm-input").fill(name);
  await page.getByTestId("confirm-button").click();

  const steps = "stopped the connector → reset the offsets → resumed the connector";
  await page.locator("[data-testid=toast-success]", { hasText: steps }).waitFor();
  await waitForHeaderState(page, "RUNNING");
});

test("a bulk pause of two connectors reports each one and pauses both", async () => {
  const page = await openPage();
  const prefix = uniqueName("e2e-bulk");
  const names = [`${prefix}-a`, `${prefix}-b`];
  created.push(...names);
  for (const name of names) await createSink(name);

  await page.goto(`${BASE_URL}/?q=${prefix}`);
  // Selected once both run: a row whose state changes is drawn again, and a click on the row
  // being replaced would be lost.
  for (const name of names) {
    await page.locator(`[data-testid=connector-row][data-name="${name}"] [data-health=healthy]`).waitFor();
  }
  for (const name of names) {
    await page.locator(`[data-testid=connector-row][data-name="${name}"] [data-testid=select-row]`).check();
  }
  await page.getByTestId("bulk-pause").click();

  await page.getByTestId("bulk-outcomes").waitFor();
  const outcomes = page.getByTestId("bulk-outcome");
  assert.equal(await outcomes.count(), 2);
  assert.deepEqual(await outcomes.evaluateAll((items) => items.map((i) => i.dataset.ok)), ["true", "true"]);
  for (const name of names) {
    await page.locator(`[data-testid=connector-row][data-name="${name}"] [data-health=paused]`).waitFor();
  }
  await page.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true });
});

test("delete asks for the connector's name first", async () => {
  const page = await openPage();
  const name = await openRunningSink(page, "e2e-delete", created);

  await page.getByTestId("delete").click();
  const confirm = page.getByTestId("confirm-button");
  assert.equal(await confirm.isDisabled(), true);
  await page.getByTestId("confirm-input").fill(name.slice(0, -1));
  assert.equal(await confirm.isDisabled(), true);
  await page.getByTestId("confirm-input").fill(name);
  await confirm.click();

  await page.waitForURL(`${BASE_URL}/clusters/${CLUSTER}`);
  await page.locator("[data-testid=toast-success]", { hasText: `Deleted ${name}` }).waitFor();
  await assert.rejects(getConnector(name), /HTTP 404/);
});

// On the Connect 3.9 cluster: Connect 4's REST server refuses paths with `%2F` or `%25`, so
// there such a connector cannot be asked for by name at all.
test("a connector named with a slash, a percent sign, a space and unicode has a working page", async () => {
  const page = await openPage();
  const name = `${uniqueName("e2e")}/50% café`;
  await createSink(name, LEGACY);
  try {
    await page.goto(`${BASE_URL}/?q=${encodeURIComponent("50% café")}`);
    await page.locator(`[data-testid=connector-row][data-name="${name}"] a`).click();

    await page.waitForURL(`${BASE_URL}${connectorPath(name, LEGACY)}`);
    assert.equal(await page.getByTestId("connector-name").textContent(), name);
    await page.reload();
    await page.locator("[data-testid=config-table] tr[data-key=name] td", { hasText: name }).waitFor();
    assert.equal(await page.getByTestId("connector-name").textContent(), name);
  } finally {
    await deleteIfPresent(name, LEGACY);
  }
});

test("the connector page shows the plugin version the connector and its task run on Connect 4, none on 3.9", async () => {
  const page = await openPage();
  const name = await openRunningSink(page, "e2e-version", created);
  const plugins = await api("GET", `/clusters/${CLUSTER}/plugins`);
  const installed = plugins.find((p) => p.class.endsWith(".FileStreamSinkConnector")).version;
  assert.equal((await page.getByTestId("connector-version").textContent()).trim(), installed);
  const taskVersion = page.locator("[data-testid=task-row] [data-testid=task-version]");
  await taskVersion.filter({ hasText: installed }).waitFor();
  assert.equal(await page.getByTestId("version-differs").count(), 0);

  const legacyName = uniqueName("e2e-version");
  await createSink(legacyName, LEGACY);
  try {
    await page.goto(`${BASE_URL}${connectorPath(legacyName, LEGACY)}`);
    await waitForHeaderState(page, "RUNNING");
    await page.locator("[data-testid=task-row]").waitFor();
    assert.equal(await page.getByTestId("connector-version").count(), 0);
    assert.equal(await page.getByTestId("task-version").count(), 0);
  } finally {
    await deleteIfPresent(legacyName, LEGACY);
  }
});

test("a connector that makes more tasks than tasks.max allows shows why it failed in plain words", async () => {
  const page = await openPage();
  const name = uniqueName("e2e-too-many");
  created.push(name);
  await api("POST", `/clusters/${CLUSTER}/connectors`, {
    name,
    config: { "connector.class": "dev.plugboard.test.VersionedSink", "tasks.max": "1", topics: `${name}-topic`, "extra.tasks": "2" },
  });
  await page.goto(`${BASE_URL}${connectorPath(name)}`);
  await waitForHeaderState(page, "FAILED");
  const explained = page.getByTestId("failure-explained");
  await explained.waitFor();
  assert.match(await explained.textContent(), /made 3 tasks while its tasks\.max is 1\. Raise tasks\.max to 3/);
});

test("a setting's documentation shows Connect's HTML formatted, and a plugin's other HTML as text", async () => {
  const page = await openPage();
  await openCreateForm(page);
  // Connect's own documentation of topics.regex names a Java class in <code>.
  const regexDoc = page.locator("[data-setting='topics.regex'] [data-testid=setting-doc]");
  assert.equal(await regexDoc.locator("code").first().textContent(), "java.util.regex.Pattern");
  assert.doesNotMatch(await regexDoc.textContent(), /<code>/);

  // The tests' plugin documents a setting with bold, an image with a handler, a script and a
  // javascript: link: bold shows, the link as its text, nothing else.
  await page.goto(`${BASE_URL}/clusters/${CLUSTER}/new`);
  await page.getByTestId("plugin-search").fill("VersionedSink");
  await page.locator("[data-testid=plugin][data-class$=VersionedSink]").first().click();
  const labelDoc = page.locator("[data-setting=label] [data-testid=setting-doc]");
  await labelDoc.waitFor({ state: "attached" });
  assert.equal(await labelDoc.locator("strong").textContent(), "never");
  assert.equal(await labelDoc.locator("img, script, a, [onerror]").count(), 0);
  assert.equal(await labelDoc.textContent(), "A label, never read. a link");
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.close();
});
