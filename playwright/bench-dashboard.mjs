// Benchmark, not a test: how long Chromium takes from navigation start to a dashboard showing
// every connector, with an empty cache each time and then warm. Prints the numbers.
// Usage: PLUGBOARD_URL=http://127.0.0.1:28080 node bench-dashboard.mjs 200
import { launchChromium } from "./browser.mjs";
import { coldAndWarm } from "./bench-render.mjs";

const expected = Number(process.argv[2] ?? 200);
const RUNS = 15;

function summary(label, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.round((sorted.length - 1) * p)];
  console.log(`  ${label.padEnd(34)} p50 ${at(0.5).toFixed(0)} ms   min ${sorted[0].toFixed(0)} ms   max ${sorted.at(-1).toFixed(0)} ms   (${samples.length} runs)`);
}

const browser = await launchChromium();
const { cold, warm } = await coldAndWarm(browser, expected, RUNS);
await browser.close();

console.log(`\nDashboard rendered with ${expected}+ connector rows, from navigation start (loopback):`);
summary("cold (empty cache)", cold);
summary("warm (reload, cached assets)", warm);
