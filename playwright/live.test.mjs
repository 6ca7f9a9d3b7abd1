// Live updates: the dashboard follows Plugboard's event stream, so a change made directly on a
// worker (not through Plugboard) shows without a reload and without the page asking for the
// list again; when the stream cannot connect, the page says so and falls back to polling.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "./browser.mjs";
import { CLUSTER, SLOW, browserForTests, createSink, uniqueName } from "./helpers.mjs";

// The local cluster's worker, which the test calls without going through Plugboard.
const WORKER = process.env.PLUGBOARD_LOCAL_WORKER;
const created = [];
const openPage = browserForTests(created);

function rowOf(page, name) {
  return page.locator(`[data-testid=connector-row][data-name="${name}"]`);
}

test("a pause made on the worker shows on open dashboards through the stream, not by polling", { timeout: SLOW * 2 }, async () => {
  assert.ok(WORKER, "PLUGBOARD_LOCAL_WORKER names the local cluster's worker");
  const name = uniqueName("live");
  created.push(name);
  await createSink(name);
  const pages = [await openPage(), await openPage()];
  const listFetches = pages.map(() => 0);
  for (const [i, page] of pages.entries()) {
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.endsWith("/connectors")) listFetches[i] += 1;
    });
    await page.goto(`${BASE_URL}/clusters/${CLUSTER}`);
    await page.getByTestId("live-badge").waitFor();
    await rowOf(page, name).locator("[data-testid=health-badge][data-health=healthy]").waitFor();
  }
  const fetchesBefore = [...listFetches];

  const paused = await fetch(`${WORKER}/connectors/${encodeURIComponent(name)}/pause`, { method: "PUT" });
  assert.equal(paused.status, 202);

  for (const page of pages) {
    await rowOf(page, name).locator("[data-testid=health-badge][data-health=paused]").waitFor();
  }
  assert.deepEqual(listFetches, fetchesBefore, "no page asked for the list again: the stream brought the change");
});

test("a page whose event stream cannot connect says so and still shows the list by polling", async () => {
  const name = uniqueName("nolive");
  created.push(name);
  await createSink(name);
  const page = await openPage();
  await page.route("**/api/v1/events*", (route) => route.abort());

  await page.goto(`${BASE_URL}/clusters/${CLUSTER}`);

  await page.getByTestId("live-off").waitFor();
  await rowOf(page, name).waitFor();
  assert.equal(await page.getByTestId("live-badge").count(), 0);
});

test("a tab that is not shown closes its stream, and opens it again when shown", async () => {
  const name = uniqueName("hidden");
  created.push(name);
  await createSink(name);
  const page = await openPage();
  const streams = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/v1/events") streams.push(request);
  });
  await page.goto(`${BASE_URL}/clusters/${CLUSTER}`);
  await page.getByTestId("live-badge").waitFor();
  const shown = (hidden) => page.evaluate((h) => {
    Object.defineProperty(document, "hidden", { value: h, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);

  await shown(true);
  await page.getByTestId("live-badge").waitFor({ state: "detached" });
  await shown(false);
  await page.getByTestId("live-badge").waitFor();
  await rowOf(page, name).waitFor();
  assert.equal(streams.length, 2, "a stream before hiding, a new one once shown again");
});
