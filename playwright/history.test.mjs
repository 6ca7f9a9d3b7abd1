// The change history in the console, against the real stack: an edit appears on the connector
// page with its diff, a rollback restores the earlier config on the worker, and the global
// feed finds the connector's events. The state timeline shows what polling saw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "./browser.mjs";
import {
  browserForTests, connectorPath, createConnector, createSink, getConnector, openRunningSink, uniqueName,
  waitForHeaderState,
} from "./helpers.mjs";

const created = [];
const openPage = browserForTests(created);

test("edit, see the change and its diff in the connector's history, roll back, and see the old value live", async () => {
  const page = await openPage();
  const name = uniqueName("e2e-history");
  created.push(name);
  await createSink(name);
  const original = `/tmp/${name}.out`;
  const edited = `/tmp/${name}.edited`;

  await page.goto(`${BASE_URL}${connectorPath(name)}/edit`);
  await page.locator("[data-setting=file] input").fill(edited);
  await page.getByTestId("submit").click();
  await page.getByTestId("apply").click();
  await page.waitForURL(`${BASE_URL}${connectorPath(name)}`);

  const update = page.locator("[data-testid=connector-history] [data-testid=history-event][data-action=update]");
  await update.waitFor();
  await update.getByTestId("show-diff").click();
  const row = update.locator("[data-testid=diff-row][data-key=file]");
  assert.equal(await row.locator(".before").textContent(), original);
  assert.equal(await row.locator(".after").textContent(), edited);

  // The page shows the edited value first, so the original value showing again below can only
  // be the rollback's doing.
  const fileCell = (value) => page.locator("[data-testid=config-table] tr[data-key=file] td", { hasText: value });
  await fileCell(edited).waitFor();
  const creation = page.locator("[data-testid=connector-history] [data-testid=history-event][data-action=create]");
  await creation.getByTestId("rollback").click();
  await creation.getByTestId("rollback-confirm-button").click();

  await page.locator("[data-testid=toast-success]", { hasText: `Rolled ${name} back` }).waitFor();
  await page.locator("[data-testid=connector-history] [data-testid=history-event][data-action=rollback]").waitFor();
  await fileCell(original).waitFor();
  assert.equal(await fileCell(edited).count(), 0);
  assert.equal((await getConnector(name)).config.file, original);

  await waitForHeaderState(page, "RUNNING");
  await page.locator("[data-testid=state-timeline] [data-testid=transition][data-state=RUNNING]").first().waitFor();
});

test("the global feed filters by connector and lists its events newest first", async () => {
  const page = await openPage();
  const name = await openRunningSink(page, "e2e-feed", created);
  await page.getByTestId("pause").click();
  await waitForHeaderState(page, "PAUSED");

  await page.goto(`${BASE_URL}/history`);
  await page.getByLabel("Connector").fill(name);
  await page.getByLabel("Connector").press("Enter");

  // The unfiltered feed shows first; wait until only this connector's events are listed.
  await page.waitForFunction((connector) => {
    const items = [...document.querySelectorAll("[data-testid=history-event]")];
    return items.length > 0 && items.every((item) => item.textContent.includes(connector));
  }, name);
  const actions = await page.getByTestId("history-event").evaluateAll((items) => items.map((i) => i.dataset.action));
  assert.deepEqual(actions, ["pause", "create"]);
});

test("a connector is moved to the newer plugin version from its page and rolled back to the older one", async () => {
  const page = await openPage();
  const name = uniqueName("e2e-versioned");
  created.push(name);
  // The tests' own sink is installed in versions 1.0.0 and 2.0.0 (scripts/lib/stack.sh).
  await createConnector(name, {
    "connector.class": "dev.plugboard.test.VersionedSink",
    "tasks.max": "1",
    topics: `${name}-topic`,
    "connector.plugin.version": "1.0.0",
  });
  await page.goto(`${BASE_URL}${connectorPath(name)}`);
  const runs = (version) => page.locator("[data-testid=running-version]", { hasText: version });
  const taskRuns = (version) => page.locator("[data-testid=task-row] [data-testid=task-version]", { hasText: version });
  await runs("1.0.0").waitFor();
  assert.equal(await page.getByTestId("pinned-version").textContent(), "1.0.0");

  await page.getByTestId("pin-select").selectOption("2.0.0");
  await page.getByTestId("pin-change").click();
  await page.locator("[data-testid=toast-success]", { hasText: `${name} pinned to 2.0.0` }).waitFor();
  await runs("2.0.0").waitFor();
  await taskRuns("2.0.0").waitFor();
  assert.equal((await getConnector(name)).config["connector.plugin.version"], "2.0.0");

  const update = page.locator("[data-testid=connector-history] [data-testid=history-event][data-action=update]");
  await update.getByTestId("show-diff").click();
  const row = update.locator("[data-testid=diff-row][data-key='connector.plugin.version']");
  assert.equal(await row.locator(".before").textContent(), "1.0.0");
  assert.equal(await row.locator(".after").textContent(), "2.0.0");

  const creation = page.locator("[data-testid=connector-history] [data-testid=history-event][data-action=create]");
  await creation.getByTestId("rollback").click();
  await creation.getByTestId("rollback-confirm-button").click();
  await runs("1.0.0").waitFor();
  await taskRuns("1.0.0").waitFor();
  assert.equal((await getConnector(name)).summary.version, "1.0.0");
});
