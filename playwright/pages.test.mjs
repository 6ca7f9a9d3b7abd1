// The plugins and logger pages against the real local Connect cluster.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, launchChromium } from "./browser.mjs";
import { CLUSTER, api, newPage } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test("the plugins page lists connectors and transforms by type, with a create link", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/clusters/${CLUSTER}/plugins`);

  const sources = page.locator("[data-testid=plugin-group][data-kind=source]");
  await sources.getByTestId("plugin-row").first().waitFor();
  assert.match(await sources.textContent(), /org\.apache\.kafka\.connect\.file\.FileStreamSourceConnector/);
  assert.ok(await page.locator("[data-testid=plugin-group][data-kind=transformation] [data-testid=plugin-row]").count() > 0);

  await sources.getByRole("link", { name: "Create…" }).first().click();
  await page.locator("[data-setting=name] input").waitFor();
});

test("the header's cluster pages wait for the cluster list, then lead to the first cluster", async () => {
  const page = await newPage(browser);
  // The cluster list held back, as when a slow worker keeps it from answering: a link made
  // before it answers must not lead to a cluster that is not there.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/api/v1/clusters", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${BASE_URL}/`);
  await page.getByRole("navigation", { name: "Main" }).getByText("Plugins").waitFor();
  assert.equal(await page.getByRole("link", { name: "Plugins" }).count(), 0, "no link while no cluster is known");
  release();

  const [first] = (await api("GET", "/clusters")).map((c) => c.id);
  await page.getByRole("link", { name: "Plugins" }).click();
  await page.getByTestId("plugin-row").first().waitFor();
  assert.equal(new URL(page.url()).pathname, `/clusters/${encodeURIComponent(first)}/plugins`);
});

test("the plugins page lists each installed version apart, on every worker of the cluster", async () => {
  const page = await newPage(browser);
  // The two-worker cluster; the tests' own sink is installed there in versions 1.0.0 and 2.0.0.
  await page.goto(`${BASE_URL}/clusters/pair/plugins`);
  const versioned = page.locator("[data-testid=plugin-row][data-class='dev.plugboard.test.VersionedSink']");
  await versioned.first().waitFor();
  assert.deepEqual(await versioned.evaluateAll((rows) => rows.map((r) => r.dataset.version)), ["1.0.0", "2.0.0"]);
  for (const row of await versioned.all()) assert.match(await row.textContent(), /all 2/);
  assert.equal(await page.getByTestId("plugin-missing").count(), 0);
});

test("a cluster-wide level change shows on each worker", async () => {
  const page = await newPage(browser);
  // The two-worker cluster, whose workers each answer for their own levels.
  await page.goto(`${BASE_URL}/clusters/pair/loggers`);
  const logger = "org.apache.kafka.connect.file";
  await page.getByTestId("logger-name").fill(logger);
  await page.getByTestId("logger-level").selectOption("WARN");
  await page.getByTestId("logger-apply").click();
  await page.locator("[data-testid=toast-success]", { hasText: `${logger} set to WARN` }).waitFor();

  // Each worker applies a cluster-wide change when it reads Connect's config topic.
  for (let attempt = 0; ; attempt++) {
    const cells = await page.getByTestId("logger-cell").allTextContents();
    if (cells.length === 2 && cells.every((level) => level === "WARN")) break;
    assert.ok(attempt < 60, `levels per worker: ${cells}`);
    await page.waitForTimeout(1000);
    await page.getByRole("button", { name: "Refresh" }).click();
  }
});

test("the dashboard's list is fetched once, at the start, by the page's own hint", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/`);
  await page.getByTestId("connector-row").first().waitFor();
  // The stream opens once the list has answered: by then any second fetch has answered too.
  await page.getByTestId("live-badge").waitFor();
  // Asked for in the first 5 s (after that, while the stream is not yet open, the page polls).
  const lists = await page.evaluate(() => performance.getEntriesByType("resource")
    .filter((e) => new URL(e.name).pathname === "/api/v1/connectors" && e.startTime < 5000)
    .map((e) => e.initiatorType));
  assert.deepEqual(lists, ["link"], "one fetch, started by the page's preload hint, whose answer the dashboard took");
});

test("the dashboard loads no other page's module; a page's module comes on its first visit", async () => {
  const page = await newPage(browser);
  const modules = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith(".wasm")) modules.push(path);
  });
  await page.goto(`${BASE_URL}/`);
  await page.getByTestId("connector-table").waitFor();
  await page.getByTestId("search").waitFor();
  assert.match(modules[0], /^\/plugboard_frontend_\w+_bg\.wasm$/, "the main module first");
  const pages = modules.filter((m) => m.includes("_route_view"));
  assert.deepEqual(pages, [], "no page's module on the dashboard");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
  await page.getByRole("heading", { name: "Change history" }).waitFor();
  assert.ok(modules.some((m) => m.includes("history_route")), `the history page fetched ${modules.slice(1).join(", ")}`);
});
