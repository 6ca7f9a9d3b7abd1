// Benchmark, not a test (run by scripts/bench.sh after backend/benches/scale.rs has put 1,000
// connectors on two real Connect clusters): in Chromium, the first visit's bytes, the dashboard
// at 1,000 rows cold and warm, Connect's calls per minute with 1, 10 and 100 open dashboards,
// the time from a pause made on a worker to 20 open pages showing it, Plugboard's resident
// memory, and a burst of 600 calls against the request budget. Prints a table.
// Usage: PLUGBOARD_URL=... BENCH_PLUGBOARD_PID=... BENCH_SCALE_FIRST_URL=... node bench-scale.mjs 1000
import { readFileSync } from "node:fs";
import { BASE_URL, launchChromium } from "./browser.mjs";
import { coldAndWarm, dashboardShown as shownWith } from "./bench-render.mjs";

const expected = Number(process.argv[2] ?? 1000);
const PID = process.env.BENCH_PLUGBOARD_PID;
const WORKER = process.env.BENCH_SCALE_FIRST_URL;
// A running sink of the first cluster (backend/benches/scale.rs makes scale-a-0800 and on).
const PAUSED = "scale-a-0800";
const RUNS = 10;
const WINDOW_MS = 30_000;

function residentMib() {
  const status = readFileSync(`/proc/${PID}/status`, "utf8");
  return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)[1]) / 1024);
}

/// Every call Plugboard has made to the workers of any cluster.
async function upstreamCalls() {
  const text = await (await fetch(`${BASE_URL}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("plugboard_upstream_requests_total{"))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

function dashboardShown(page) {
  return shownWith(page, expected);
}

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.round((sorted.length - 1) * p)];
  return { p50: at(0.5), max: sorted.at(-1) };
}

const table = [];
const row = (what, value, source = "real stack, Chromium") => table.push([what, value, source]);
const browser = await launchChromium();

// The first visit: what the browser downloads (compressed, as sent) before the first rows show,
// and once the page is complete (the filter bar, menus and banner come in modules of their own,
// fetched as the page starts).
{
  const context = await browser.newContext();
  const page = await context.newPage();
  const shownAt = await dashboardShown(page);
  const downloaded = (until) => page.evaluate((t) => {
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
      .filter((e) => e.responseEnd <= t);
    const sum = (list) => list.reduce((total, e) => total + e.transferSize, 0);
    const api = entries.filter((e) => new URL(e.name).pathname.startsWith("/api/"));
    return { assets: sum(entries.filter((e) => !api.includes(e))), data: sum(api) };
  }, until);
  const atRows = await downloaded(shownAt);
  await page.getByTestId("search").waitFor();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const complete = await downloaded(await page.evaluate(() => performance.now()));
  row("first visit: app download before the first rows", `${(atRows.assets / 1024).toFixed(0)} KiB`);
  row("first visit: app download, page complete", `${(complete.assets / 1024).toFixed(0)} KiB`);
  row("first visit: API answers (not the stream)", `${(complete.data / 1024).toFixed(0)} KiB`);
  await context.close();
}

// The dashboard at 1,000 rows: cold (a new context each time), then warm (reloads).
{
  const { cold, warm } = await coldAndWarm(browser, expected, RUNS);
  const c = percentiles(cold);
  const w = percentiles(warm);
  row(`dashboard, ${expected} rows, cold (p50 / max of ${RUNS})`, `${c.p50.toFixed(0)} / ${c.max.toFixed(0)} ms`);
  row(`dashboard, ${expected} rows, warm (p50 / max of ${RUNS})`, `${w.p50.toFixed(0)} / ${w.max.toFixed(0)} ms`);
}

// Filtering as you type: from each keystroke in the search box to the next painted frame.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  await dashboardShown(page);
  await page.getByTestId("search").click();
  const typed = [];
  for (const key of "scale-a-08") {
    const start = Date.now();
    await page.keyboard.type(key);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    typed.push(Date.now() - start);
  }
  await page.locator('[data-testid=connector-table][data-rows="100"]').waitFor();
  const t = percentiles(typed);
  row(`a keystroke in the search box to the next frame (p50 / max of ${typed.length})`, `${t.p50} / ${t.max} ms`);
  await context.close();
}

// Connect's calls per minute with 1, 10 and 100 dashboards open (their streams live), each in
// a browser context of its own, as a viewer's own browser (one browser holds at most six
// connections to a host over HTTP/1.1, and each open stream holds one).
const pages = [];
for (const open of [1, 10, 100]) {
  while (pages.length < open) {
    const page = await (await browser.newContext()).newPage();
    await dashboardShown(page);
    await page.getByTestId("live-badge").waitFor();
    pages.push(page);
  }
  const before = await upstreamCalls();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const calls = (await upstreamCalls()) - before - 1; // less the /metrics read's own list
  row(`Connect calls per minute, ${open} open dashboard${open === 1 ? "" : "s"}`, `${Math.round((calls * 60_000) / WINDOW_MS)}`);
  if (open === 100) row("Plugboard resident memory, 100 dashboards open", `${residentMib()} MiB`, "real stack");
}

// A pause made on the worker, to 20 open pages showing it (the other 80 closed first: on 2 cores
// their renderers would take the CPU the 20 need).
{
  for (const page of pages.splice(20)) await page.context().close();
  const watching = pages;
  // The count of paused connectors (the row itself may be off screen, and then not rendered).
  const count = "[data-testid=health-count][data-health=paused] strong";
  const pausedNow = (page) => page.evaluate((sel) => Number(document.querySelector(sel)?.textContent ?? 0), count);
  const before = await Promise.all(watching.map(pausedNow));
  const paused = await fetch(`${WORKER}/connectors/${PAUSED}/pause`, { method: "PUT" });
  if (paused.status !== 202) throw new Error(`pause answered ${paused.status}`);
  const start = Date.now();
  const delays = await Promise.all(
    watching.map(async (page, i) => {
      await page.waitForFunction(
        ([sel, n]) => Number(document.querySelector(sel)?.textContent ?? 0) === n,
        [count, before[i] + 1],
        { polling: 50, timeout: 60_000 },
      );
      return Date.now() - start;
    }),
  );
  await fetch(`${WORKER}/connectors/${PAUSED}/resume`, { method: "PUT" });
  const d = percentiles(delays);
  row("pause on the worker to 20 pages showing it (p50 / max)", `${d.p50} / ${d.max} ms (live poll 2 s)`);
}
await browser.close();

// The request budget: 600 validations at once through the passthrough (Connect's validate is
// never cached), against the default budget of 8 calls at a time and 100 a second per cluster.
{
  const BURST = 600;
  const url = `${BASE_URL}/api/v1/clusters/local/connect/connector-plugins/FileStreamSinkConnector/config/validate`;
  const body = JSON.stringify({ "connector.class": "FileStreamSinkConnector", topics: "t", file: "/tmp/budget.out" });
  const before = await upstreamCalls();
  const start = Date.now();
  const answers = await Promise.all(Array.from({ length: BURST }, async () => {
    const sent = Date.now();
    const response = await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body });
    await response.arrayBuffer();
    return { status: response.status, ms: Date.now() - sent, retryAfter: response.headers.get("retry-after") };
  }));
  const seconds = (Date.now() - start) / 1000;
  const calls = (await upstreamCalls()) - before - 1;
  const served = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  const waited = percentiles(served.map((a) => a.ms));
  row(`request budget: ${BURST} validations at once`, `${served.length} answered (p50 ${waited.p50} ms, max ${waited.max} ms), ${refused.length} refused with 429 (Retry-After ${refused[0]?.retryAfter ?? "-"} s), ${answers.length - served.length - refused.length} other`);
  row("request budget: Connect's calls meanwhile", `${calls} in ${seconds.toFixed(1)} s (${(calls / seconds).toFixed(0)}/s; the budget allows 100/s)`);
}

const width = Math.max(...table.map(([what]) => what.length));
const valueWidth = Math.max(...table.map(([, value]) => value.length));
console.log(`\nThe console at ${expected} connectors (two Connect clusters):`);
for (const [what, value, source] of table) {
  console.log(`  ${what.padEnd(width)}  ${value.padStart(valueWidth)}   ${source}`);
}
