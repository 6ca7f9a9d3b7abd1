// What the benchmarks in Chromium share: the time from navigation start to a dashboard showing
// its first rows, cold (a new browser context each time: HTML, JS, wasm and the list all fetched
// afresh) and warm (reloads in one context).
import { BASE_URL } from "./browser.mjs";

/// Milliseconds from navigation start until `page` shows its first connector rows with all
/// `expected` connectors listed (a long table renders only the rows on screen): the time of the
/// first frame that has them, read in that frame (before it is painted), not after whatever
/// the page does next.
export async function dashboardShown(page, expected) {
  await page.goto(`${BASE_URL}/`, { waitUntil: "commit" });
  const shownAt = await page.waitForFunction(
    (n) => document.querySelector(`[data-testid=connector-table][data-rows="${n}"] [data-testid=connector-row]`) !== null
      && performance.now(),
    expected,
    { polling: "raf", timeout: 120_000 },
  );
  return shownAt.jsonValue();
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
