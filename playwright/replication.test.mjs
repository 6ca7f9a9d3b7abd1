// MirrorMaker 2 replication in the console, against the stack's flow from its main Kafka
// cluster (alias main) into the mirror cluster (alias mirror): topics named mirrored-* are
// replicated (scripts/lib/stack.sh, stack_seed_mirror). A file source writes lines into a new
// such topic; the replication page shows the flow on its graph, its three connectors running,
// and the topic under its remote name, every line on both sides and its lag at 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "./browser.mjs";
import { api, browserForTests, createConnector, createLineSource, uniqueName } from "./helpers.mjs";

const SCREENSHOTS = new URL("./test-results/", import.meta.url).pathname;
const created = [];
const openPage = browserForTests(created);

test("the replication page draws the flow and shows a replicated topic with its remote name and no lag", async () => {
  const name = uniqueName("e2e-mm2");
  const topic = `mirrored-${name}`;
  created.push(name);
  await createLineSource(name, topic, 25);

  const page = await openPage();
  await page.goto(`${BASE_URL}/replication`);
  const flow = page.locator("[data-testid=flow][data-source=main][data-target=mirror]");
  await flow.waitFor();
  await page.locator("[data-testid=graph-edge][data-source=main][data-target=mirror]").waitFor();
  for (const role of ["records", "checkpoints", "heartbeats"]) {
    assert.equal(await flow.locator(`[data-testid=flow-connector][data-role=${role}]`).getAttribute("data-state"), "RUNNING");
  }
  const row = flow.locator(`[data-testid=flow-topic][data-topic="${topic}"]`);
  // The page refreshes itself: the topic shows up once MirrorMaker 2 picked it up.
  // The remote name, once the remote topic exists on the target (until then it says so).
  const remote = row.getByTestId("remote-topic");
  await remote.filter({ hasText: new RegExp(`^main\\.${topic}$`) }).waitFor({ timeout: 60_000 });
  await row.getByRole("button", { name: /partitions/ }).click();
  // Opened, the partitions stay open across refreshes, until all 25 lines are on the source,
  // as many on the target, and the lag is 0.
  await page.waitForFunction((topic) => {
    const rows = document.querySelectorAll(`[data-testid=partition-replication][data-topic="${topic}"] [data-testid=partition-row]`);
    const ends = [...rows].map((r) => [Number(r.children[1].textContent), Number(r.children[2].textContent)]);
    const lag = document.querySelector(`[data-testid=flow-topic][data-topic="${topic}"] [data-testid=topic-lag]`);
    return ends.length === 2 && ends.reduce((sum, [source]) => sum + source, 0) === 25 &&
      ends.every(([source, target]) => source === target) && lag?.textContent === "0";
  }, topic, { timeout: 60_000 });
  // The 25 lines arrived on the target at some rate; the heartbeats that came through the
  // flow are seconds old, not minutes.
  await row.getByTestId("topic-throughput").filter({ hasText: /^[0-9.]+ records\/s$/ }).waitFor();
  const heartbeat = flow.getByTestId("flow-heartbeat-age");
  await page.waitForFunction(() => {
    const age = document.querySelector("[data-testid=flow][data-source=main][data-target=mirror] [data-testid=flow-heartbeat-age]");
    return age?.dataset.seconds !== "" && Number(age?.dataset.seconds) < 10;
  });
  assert.match(await heartbeat.innerText(), /^\d+ s ago$/);
  // The heartbeats the stack sends from mirror to main are a flow of their own, with no topics.
  const back = page.locator("[data-testid=flow][data-source=mirror][data-target=main]");
  await back.getByTestId("heartbeats-only").waitFor();
  await page.screenshot({ path: `${SCREENSHOTS}replication.png`, fullPage: true });

  // A sink on the two-worker cluster (whose policy lets it name its group) reads the topic as
  // group mirrored-*, which the flow checkpoints: its failover is prepared, confirmed with a
  // reason, and recorded.
  const group = `mirrored-${uniqueName("e2e-group")}`;
  const sink = uniqueName("e2e-mm2-sink");
  await createConnector(sink, {
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "tasks.max": "1",
    topics: topic,
    file: `/tmp/${sink}.out`,
    "consumer.override.group.id": group,
  }, "pair");
  try {
    const groupRow = flow.locator(`[data-testid=flow-group][data-group="${group}"]`);
    // Once MirrorMaker 2 checkpointed it (the group shows as soon as it commits on the source).
    await groupRow.getByTestId("group-checkpoint-age").filter({ hasText: /ago$/ }).waitFor({ timeout: 60_000 });
    await groupRow.getByTestId("prepare-failover").click();
    const panel = page.locator(`[data-testid=failover-panel][data-group="${group}"]`);
    await panel.getByTestId("failover-offset").first().waitFor({ timeout: 60_000 });
    const planned = await panel.getByTestId("failover-to").allInnerTexts();
    assert.ok(planned.length > 0 && planned.every((o) => /^\d+$/.test(o)), `${planned}`);
    await panel.getByTestId("failover-reason").fill("drill");
    await panel.getByTestId("failover-confirm").click();
    await page.getByText(new RegExp(`Group ${group} failed over`)).waitFor();
    await panel.waitFor({ state: "detached" });
    const feed = await api("GET", "/history?connector=mirror-checkpoint&limit=20");
    const event = feed.events.find((e) => e.action === "group_failover" && e.detail.group === group);
    assert.equal(event?.reason, "drill");
    assert.equal(event.outcome, "success");
  } finally {
    await api("DELETE", `/clusters/pair/connectors/${encodeURIComponent(sink)}`);
  }
  await page.close();
});

test("a flow is drafted in the form, checked by Connect, created, and edited", async () => {
  const name = uniqueName("e2e-form");
  const topic = `form-${name}`;
  const page = await openPage();
  await page.goto(`${BASE_URL}/replication`);
  await page.getByTestId("new-flow").click();
  const form = page.getByTestId("flow-form");
  await form.getByTestId("flow-cluster").selectOption("dr");
  await form.getByTestId("flow-name").fill(name);
  await form.getByTestId("flow-source-kafka").selectOption("local");
  // Choosing the cluster fills its alias in; aliases of its own keep this flow apart.
  assert.equal(await form.getByTestId("flow-source-alias").inputValue(), "local");
  await form.getByTestId("flow-source-alias").fill("e2esrc");
  await form.getByTestId("flow-target-kafka").selectOption("mirror");
  await form.getByTestId("flow-target-alias").fill("e2edst");
  await form.getByTestId("flow-topics").fill(topic);
  await form.getByTestId("flow-groups").fill(`${topic}-group`);
  await form.getByTestId("flow-factor").fill("1");
  try {
    await form.getByTestId("flow-check").click();
    await form.locator("[data-testid=flow-checked][data-valid=true]").waitFor();
    const verdicts = await form.getByTestId("flow-checked-connector").evaluateAll(
      (items) => items.map((i) => [i.dataset.name, i.dataset.verdict]));
    assert.deepEqual(verdicts, ["source", "checkpoint", "heartbeat"].map((s) => [`${name}-${s}`, "valid"]));
    await page.screenshot({ path: `${SCREENSHOTS}flow-form.png`, fullPage: true });
    await form.getByTestId("flow-save").click();
    await page.getByText("Flow e2esrc → e2edst saved").waitFor();
    const flow = page.locator("[data-testid=flow][data-source=e2esrc][data-target=e2edst]");
    await flow.waitFor({ timeout: 60_000 });
    await flow.locator("[data-testid=flow-connector][data-role=heartbeats]").waitFor({ timeout: 60_000 });

    // Edited: the form opens with the flow's settings, and saving changes its topics.
    await flow.getByTestId("edit-flow").click();
    assert.equal(await form.getByTestId("flow-topics").inputValue(), topic);
    assert.equal(await form.getByTestId("flow-name").isDisabled(), true);
    await form.locator("[data-testid=flow-checked][data-valid=true]").waitFor();
    await form.getByTestId("flow-topics").fill(`${topic}, ${topic}-more`);
    await form.getByTestId("flow-check").click();
    await form.locator("[data-testid=flow-checked-connector][data-verdict=valid]").first().waitFor();
    await form.getByTestId("flow-save").click();
    await page.getByText("Flow e2esrc → e2edst saved").nth(0).waitFor();
    await flow.getByText(`${topic}, ${topic}-more`).waitFor({ timeout: 30_000 });
  } finally {
    for (const suffix of ["source", "checkpoint", "heartbeat"]) {
      await api("DELETE", `/clusters/dr/connectors/${name}-${suffix}`).catch(() => {});
    }
  }
  await page.close();
});
