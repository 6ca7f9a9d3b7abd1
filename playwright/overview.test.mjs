// The cluster overview in a real browser, against Plugboard and the real local Connect clusters.
// scripts/test.sh configures "local" (one worker), "pair" (two workers), "legacy" (Connect
// 3.9) and "gone" (nothing listens).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE_URL, launchChromium } from "./browser.mjs";

/** The Kafka version scripts/maven/NAME/pom.xml pins: what the stack's workers run. */
function pinned(name) {
  const pom = readFileSync(new URL(`../scripts/maven/${name}/pom.xml`, import.meta.url), "utf8");
  return pom.match(/<kafka\.version>([^<]+)<\/kafka\.version>/)[1];
}

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test("the overview shows both workers of the pair at Connect 4 and the older cluster's at 3.9", async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/clusters`);

  const pair = page.locator('[data-testid=cluster-card][data-cluster=pair]');
  await pair.getByTestId("worker-version").nth(1).waitFor();
  const legacy = page.locator('[data-testid=cluster-card][data-cluster=legacy]');
  await legacy.getByTestId("worker-version").nth(1).waitFor();

  const connect4 = pinned("kafka-4");
  assert.deepEqual(await pair.getByTestId("worker-version").allTextContents(), [connect4, connect4]);
  const connect39 = pinned("connect-3.9");
  assert.deepEqual(await legacy.getByTestId("worker-version").allTextContents(), [connect39, connect39]);
  assert.equal(await pair.getByTestId("reachable-count").textContent(), "2/2 workers reachable");
  const kafkaIds = await pair.getByTestId("worker-kafka-id").allTextContents();
  assert.equal(kafkaIds.length, 2);
  assert.equal(kafkaIds[0], kafkaIds[1]);
  // One Plugboard on its own database leads every background job of the cluster.
  assert.match(await pair.getByTestId("led-here").textContent(), /leads: .*\balerts\b.*\bstates\b/);
});

test("a cluster that is down is shown as down with the reason, beside the live one", async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/clusters`);

  const gone = page.locator('[data-testid=cluster-card][data-cluster=gone]');
  await gone.getByTestId("reachable-count").waitFor();

  assert.equal(await gone.getByTestId("reachable-count").textContent(), "0/1 workers reachable");
  assert.match(await gone.getByTestId("worker-row").textContent(), /cannot connect/);
  await page.locator('[data-cluster=local] [data-testid=worker-version]').first().waitFor();
});

test("the cluster switcher deep-links to one cluster, and reload keeps it", async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/clusters`);
  await page.getByTestId("cluster-switcher").locator("option[value=local]").waitFor({ state: "attached" });

  await page.getByTestId("cluster-switcher").selectOption("local");
  await page.waitForURL(`${BASE_URL}/clusters/local`);
  await page.reload();
  await page.locator('[data-cluster=local] [data-testid=worker-version]').first().waitFor();

  assert.equal(await page.getByTestId("cluster-card").count(), 1);
  assert.equal(await page.getByTestId("cluster-switcher").inputValue(), "local");
});
