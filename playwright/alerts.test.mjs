// Alerts in the console against the real stack: a lag rule made from a sink's page fires once
// the paused sink falls behind, the banner appears on every page, and the incident is
// acknowledged from the alerts page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { BASE_URL } from "./browser.mjs";
import { CLUSTER, browserForTests, connectorPath, createLineSource, createSink, uniqueName, waitForHeaderState } from "./helpers.mjs";

const created = [];
const openPage = browserForTests(created);

test("a lag rule from the connector page raises the banner, and the incident is acknowledged", async () => {
  const name = uniqueName("e2e-alert");
  created.push(`${name}-src`, name);
  const file = await createLineSource(`${name}-src`, `${name}-topic`, 10);
  await createSink(name);
  const page = await openPage();
  await page.goto(`${BASE_URL}${connectorPath(name)}`);
  await waitForHeaderState(page, "RUNNING");
  await page.getByTestId("lag-panel").getByTestId("total-lag").filter({ hasText: /^0$/ }).waitFor();
  await page.getByRole("button", { name: "Pause" }).click();
  await waitForHeaderState(page, "PAUSED");

  const form = page.getByTestId("lag-rule");
  await form.locator("summary").click();
  await form.getByTestId("rule-threshold").fill("5");
  await form.getByTestId("create-rule").click();
  await page.locator("[data-testid=toast-success]", { hasText: "created" }).waitFor();
  const rules = await (await fetch(`${BASE_URL}/api/v1/alerts/rules`)).json();
  const rule = rules.find((r) => r.connector_pattern === name);
  assert.equal(rule.kind, "lag_above");
  assert.equal(rule.cluster, CLUSTER);
  assert.equal(rule.threshold, 5);

  appendFileSync(file, Array.from({ length: 20 }, (_, i) => `more ${i}`).join("\n") + "\n");
  const banner = page.getByTestId("alert-banner");
  await banner.waitFor();
  assert.match(await banner.textContent(), /open incident/);

  await banner.click();
  const row = page.locator(`[data-testid=incident-row][data-rule="${rule.id}"]`);
  await row.waitFor();
  await page.screenshot({ path: new URL("./test-results/alerts.png", import.meta.url).pathname, fullPage: true });
  await row.getByTestId("acknowledge").click();
  await row.getByTestId("incident-state").filter({ hasText: "acknowledged" }).waitFor();
  await fetch(`${BASE_URL}/api/v1/alerts/rules/${rule.id}`, { method: "DELETE" });
});
