// Benchmark, not a test: how long Chromium takes from navigation start to a dashboard showing
// every connector, with an empty cache each time (a new browser context: HTML, JS, wasm and
// the list all fetched afresh) and then warm (reloads in one context). Prints the numbers.
// Usage: PLUGBOARD_URL=http://127.0.0.1:28080 node bench-dashboard.mjs 200
import { BASE_URL, launchChromium } from "./browser.mjs";

const expected = Number(process.argv[2] ?? 200);
const RUNS = 15;

async function timeToRows(page) {
  await page.goto(`${BASE_URL}/`, { waitUntil: "commit" });
  await page.waitForFunction(
    (n) => document.querySelectorAll("[data-testid=connector-row]").length >= n,
    expected,
    { polling: "raf", timeout: 60_000 },
  );
  return page.evaluate(() => performance.now());
}

function summary(label, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.round((sorted.length - 1) * p)];
  console.log(`  ${label.padEnd(34)} p50 ${at(0.5).toFixed(0)} ms   min ${sorted[0].toFixed(0)} ms   max ${sorted.at(-1).toFixed(0)} ms   (${samples.length} runs)`);
}

const browser = await launchChromium();
const cold = [];
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext();
  cold.push(await timeToRows(await context.newPage()));
  await context.close();
}
const context = await browser.newContext();
const page = await context.newPage();
await timeToRows(page);
const warm = [];
for (let i = 0; i < RUNS; i++) warm.push(await timeToRows(page));
await browser.close();

console.log(`\nDashboard rendered with ${expected}+ connector rows, from navigation start (loopback):`);
summary("cold (empty cache)", cold);
summary("warm (reload, cached assets)", warm);
