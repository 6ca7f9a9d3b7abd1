// What the benchmarks in Chromium share: the time from navigation start to a dashboard showing
// its rows, cold (a new browser context each time: HTML, JS, wasm and the list all fetched
// afresh) and warm (reloads in one context).
import { BASE_URL } from "./browser.mjs";

/// Milliseconds from navigation start until `page` shows at least `expected` connector rows.
export async function dashboardShown(page, expected) {
  await page.goto(`${BASE_URL}/`, { waitUntil: "commit" });
  await page.waitForFunction(
    (n) => document.querySelectorAll("[data-testid=connector-row]").length >= n,
    expected,
    { polling: "raf", timeout: 120_000 },
  );
  return page.evaluate(() => performance.now());
}

/// `runs` cold and `runs` warm renders of the dashboard: { cold: [ms...], warm: [ms...] }.
export async function coldAndWarm(browser, expected, runs) {
  const cold = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    cold.push(await dashboardShown(await context.newPage(), expected));
    await context.close();
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  await dashboardShown(page, expected);
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(await dashboardShown(page, expected));
  await context.close();
  return { cold, warm };
}
