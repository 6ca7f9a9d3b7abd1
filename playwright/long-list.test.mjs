// A long connector list: past 100 rows the dashboard renders only the rows on screen (and a
// margin), so it stays fast at a thousand; scrolling brings the others, and ticks, scroll and
// focus survive scrolling and live changes. The connectors are made stopped (KIP-980: no tasks)
// on the two-worker cluster, whose dashboard no other test reads.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, launchChromium } from "./browser.mjs";
import { api, deleteIfPresent, newPage, uniqueName } from "./helpers.mjs";

const CLUSTER = "pair";
const COUNT = 110;
const prefix = uniqueName("long");
// Zero-padded, so that the order by name is the order made.
const names = Array.from({ length: COUNT }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
let browser;

/** Runs `step` on every item, `width` at a time. */
async function inParallel(items, width, step) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await step(item);
  }));
}

before(async () => {
  browser = await launchChromium();
  await inParallel(names, 10, (name) => api("POST", `/clusters/${CLUSTER}/connectors`, {
    name,
    config: {
      "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
      "tasks.max": "1",
      topics: `${name}-topic`,
      file: `/tmp/${name}.out`,
    },
    initial_state: "STOPPED",
  }));
});

after(async () => {
  await browser?.close();
  await inParallel(names, 10, (name) => deleteIfPresent(name, CLUSTER));
});

function row(page, name) {
  return page.locator(`[data-testid=connector-row][data-name="${name}"]`);
}

const rendered = (page) => page.getByTestId("connector-row").count();
const scrollTo = (page, y) => page.evaluate((to) => window.scrollTo(0, to), y);

/** The dashboard of our connectors only, by name, once all of them are listed. */
async function openList() {
  const page = await newPage(browser);
  await page.goto(`${BASE_URL}/clusters/${CLUSTER}?q=${prefix}&sort=name`);
  await page.locator(`[data-testid=connector-table][data-rows="${COUNT}"]`).waitFor();
  await row(page, names[0]).waitFor();
  return page;
}

test("a long list renders the rows on screen, and scrolling brings the others", async () => {
  const page = await openList();
  const first = await rendered(page);
  assert.ok(first > 10 && first < COUNT, `${first} of ${COUNT} rows rendered`);
  assert.equal(await row(page, names[COUNT - 1]).count(), 0, "the last row waits for a scroll");
  assert.equal(await page.getByTestId("connector-table").getAttribute("aria-rowcount"), String(COUNT + 1));
  // The first rows come alone; rows below the screen follow once they are painted, ready for
  // a scroll.
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=connector-row]")]
    .filter((row) => row.getBoundingClientRect().top > innerHeight).length >= 10);

  await scrollTo(page, 1e6);
  const last = row(page, names[COUNT - 1]);
  await last.waitFor();
  assert.equal(await last.getAttribute("aria-rowindex"), String(COUNT + 1), "rows say their place in the whole list");
  assert.equal(await row(page, names[0]).count(), 0, "the first row left the page");
  assert.ok(await rendered(page) < COUNT);

  // Every row stands where the whole list would put it: the last one ends the table.
  const ends = await page.evaluate(() => {
    const rows = document.querySelectorAll("[data-testid=connector-row]");
    const body = document.querySelector("[data-testid=connector-table] tbody");
    return { row: rows[rows.length - 1].getBoundingClientRect().bottom, body: body.getBoundingClientRect().bottom };
  });
  assert.ok(Math.abs(ends.row - ends.body) < 2, `last row ends at ${ends.row}, the body at ${ends.body}`);
});

test("a tick survives scrolling away and back, and search finds a row far down", async () => {
  const page = await openList();
  const far = names[COUNT - 5];
  await scrollTo(page, 1e6);
  await row(page, far).getByTestId("select-row").check();
  await scrollTo(page, 0);
  await row(page, far).waitFor({ state: "detached" });
  await page.getByText("1 selected").waitFor();
  await scrollTo(page, 1e6);
  assert.equal(await row(page, far).getByTestId("select-row").isChecked(), true);

  await scrollTo(page, 0);
  await page.getByTestId("search").fill(far);
  await row(page, far).waitFor();
  assert.equal(await rendered(page), 1);
});

test("a change pushed by the stream keeps what is on screen in place, and the focus", async () => {
  const page = await openList();
  await scrollTo(page, 2000);
  const focused = await page.evaluate(() => {
    const box = [...document.querySelectorAll("[data-testid=connector-row]")]
      .find((r) => r.getBoundingClientRect().top > 100)
      .querySelector("[data-testid=select-row]");
    box.focus();
    return box.closest("tr").dataset.name;
  });
  const onScreen = () => row(page, focused).evaluate((r) => Math.round(r.getBoundingClientRect().top));
  const before = await onScreen();

  // A connector above the screen goes (deleted through the API, so the page learns it from
  // its event stream).
  await deleteIfPresent(names[0], CLUSTER);
  await page.locator(`[data-testid=connector-table][data-rows="${COUNT - 1}"]`).waitFor();

  // Within a pixel or two: rows are 3.5rem, fractions of a pixel the browser rounds.
  const after = await onScreen();
  assert.ok(Math.abs(after - before) <= 2, `the focused row moved on the screen from ${before} to ${after}`);
  assert.equal(await page.evaluate(() => document.activeElement?.closest("tr")?.dataset.name), focused);
});
