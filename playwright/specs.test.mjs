// Connectors as code in the console, against the real stack: a connector whose spec was
// applied and then changed elsewhere shows as drifted on its page (the key that differs, spec
// against live, and who changed it) and on the dashboard, and editing it asks for confirmation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "./browser.mjs";
import {
  CLUSTER, api, browserForTests, connectorPath, openRunningSink,
} from "./helpers.mjs";

const created = [];
const openPage = browserForTests(created);

test("an applied connector changed elsewhere shows its drift, and an edit of it must be confirmed", async () => {
  const page = await openPage();
  const name = await openRunningSink(page, "e2e-code", created);
  // The connector as a spec, applied: it is now managed, and in sync.
  const specs = await api("GET", `/clusters/${CLUSTER}/specs?connector=${encodeURIComponent(name)}`);
  const report = await api("POST", "/specs/apply", { specs, commit: "e2e0001" });
  assert.equal(report.steps.length, 0, "exported as it is, so nothing to change");
  await page.goto(`${BASE_URL}${connectorPath(name)}`);
  const card = page.getByTestId("drift-card");
  await card.locator("[data-testid=drift-badge][data-drift='in sync']").waitFor();
  assert.match(await card.getByTestId("applied-line").textContent(), /e2e0001/);

  // A change made through the API, not through apply, is drift.
  const specFile = specs[0].config.file;
  const drifted = `/tmp/${name}.drifted`;
  await api("PATCH", `${connectorPath(name)}/config`, { file: drifted });
  await card.locator("[data-testid=drift-badge][data-drift=drifted]").waitFor();
  const row = card.locator("[data-testid=diff-row][data-key=file]");
  assert.equal(await row.locator(".before").textContent(), specFile);
  assert.equal(await row.locator(".after").textContent(), drifted);
  assert.equal(await card.locator("[data-testid=diff-row]").count(), 1);
  assert.match(await card.getByTestId("changed-by").textContent(), /patch by \S+ \(api\)/);

  await page.goto(`${BASE_URL}/clusters/${CLUSTER}`);
  const dashboardRow = page.locator(`[data-testid=connector-row][data-name="${name}"]`);
  await dashboardRow.locator("[data-testid=drift-badge][data-drift=drifted]").waitFor();

  // Editing it warns that the next apply reverts the edit, and waits for a confirmation.
  await page.goto(`${BASE_URL}${connectorPath(name)}/edit`);
  await page.locator("[data-setting=file] input").fill(`/tmp/${name}.edited`);
  await page.getByTestId("submit").click();
  await page.getByTestId("managed-warning").waitFor();
  assert.equal(await page.getByTestId("apply").isDisabled(), true);
  await page.getByTestId("managed-confirm").check();
  assert.equal(await page.getByTestId("apply").isDisabled(), false);
});
