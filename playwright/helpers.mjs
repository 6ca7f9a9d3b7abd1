// Shared steps of the console's end-to-end tests: unique names, connectors made through the API
// for set-up, and waits long enough for Connect's rebalances on the local stack.
import { after, before } from "node:test";
import { writeFileSync } from "node:fs";
import { BASE_URL, launchChromium } from "./browser.mjs";

export const CLUSTER = process.env.PLUGBOARD_CLUSTER ?? "local";
const SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
// Connect can take several seconds to settle a change (a rebalance on a busy cluster).
export const SLOW = 120_000;

export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
}

function sinkConfig(name) {
  return { "connector.class": SINK, "tasks.max": "1", topics: `${name}-topic`, file: `/tmp/${name}.out` };
}

/** A call to Plugboard's API for a test's set-up. A 429 (a cluster answering as many calls as
 *  Plugboard allows it, as when a test makes many connectors at once on a loaded machine) is
 *  tried again after its Retry-After, as a well-behaved client does, a few times. */
export async function api(method, path, body) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${BASE_URL}/api/v1${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (response.status === 429 && attempt < 10) {
      const seconds = Number(response.headers.get("retry-after")) || 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

export function connectorPath(name, cluster = CLUSTER) {
  return `/clusters/${cluster}/connectors/${encodeURIComponent(name)}`;
}

export async function createConnector(name, config, cluster = CLUSTER) {
  await api("POST", `/clusters/${cluster}/connectors`, { name, config });
}

export async function createSink(name, cluster = CLUSTER) {
  await createConnector(name, sinkConfig(name), cluster);
}

export async function getConnector(name, cluster = CLUSTER) {
  return api("GET", connectorPath(name, cluster));
}

export async function deleteIfPresent(name, cluster = CLUSTER) {
  await api("DELETE", connectorPath(name, cluster)).catch(() => {});
}

/** A page whose waits allow for Connect's slowest rebalance. */
export async function newPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(SLOW);
  return page;
}

/** Waits until the connector page's header shows `state` (RUNNING, PAUSED, ...). */
export async function waitForHeaderState(page, state) {
  await page.locator(`.title-row [data-testid=state-badge][data-state=${state}]`).waitFor();
}

/** Creates a FileStreamSink through the API (remembered in `created` for clean-up) and opens
 *  its page once Connect runs it; returns its name. */
export async function openRunningSink(page, prefix, created) {
  const name = uniqueName(prefix);
  created.push(name);
  await createSink(name);
  await page.goto(`${BASE_URL}${connectorPath(name)}`);
  await waitForHeaderState(page, "RUNNING");
  return name;
}

/** Starts Chromium before the file's tests and closes it after them, then deletes the
 *  connectors named in `created`: names in the cluster CLUSTER, or [name, cluster] pairs.
 *  Returns a function that opens a new page. */
export function browserForTests(created) {
  let browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const entry of created) {
      const [name, cluster] = Array.isArray(entry) ? entry : [entry, CLUSTER];
      await deleteIfPresent(name, cluster);
    }
  });
  return () => newPage(browser);
}

/** A FileStreamSource reading `lines` lines from a new file into `topic` (two partitions,
 *  created by Connect); returns the file, to append more. */
export async function createLineSource(name, topic, lines) {
  const file = `/tmp/${name}.in`;
  writeFileSync(file, Array.from({ length: lines }, (_, i) => `line ${i}`).join("\n") + "\n");
  const config = {
    "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "tasks.max": "1",
    file,
    topic,
    "topic.creation.default.replication.factor": "1",
    "topic.creation.default.partitions": "2",
  };
  await createConnector(name, config);
  return file;
}
