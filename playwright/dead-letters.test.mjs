// Dead letters in the console, against the real stack: a sink that cannot parse some of its
// records shows its dead letter queue on its page with the cause grouped and counted, and a
// replay of that group, confirmed after a dry run, produces the records again (they fail
// again here, so the queue doubles: the replay is seen end to end).
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { BASE_URL } from "./browser.mjs";
import {
  browserForTests, connectorPath, createConnector, uniqueName,
} from "./helpers.mjs";

const created = [];
const openPage = browserForTests(created);
const STRINGS = {
  "key.converter": "org.apache.kafka.connect.storage.StringConverter",
  "value.converter": "org.apache.kafka.connect.storage.StringConverter",
};

test("a sink's dead letters are grouped by cause on its page, and a group is replayed after a dry run", async () => {
  const page = await openPage();
  const source = uniqueName("e2e-dlq-source");
  const sink = uniqueName("e2e-dlq-sink");
  const topic = `${source}-topic`;
  const dlq = `${topic}-dlq`;
  created.push(source, sink);
  const lines = ['{"n":1}', "not json 2", '{"n":3}', "not json 4", '{"n":5}'];
  const file = `/tmp/${source}.in`;
  writeFileSync(file, lines.join("\n") + "\n");
  await createConnector(source, {
    "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "tasks.max": "1", file, topic, ...STRINGS,
    "topic.creation.default.replication.factor": "1",
    "topic.creation.default.partitions": "1",
  });
  await createConnector(sink, {
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "tasks.max": "1", topics: topic, file: `/tmp/${sink}.out`,
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter.schemas.enable": "false",
    "errors.tolerance": "all",
    "errors.deadletterqueue.topic.name": dlq,
    "errors.deadletterqueue.topic.replication.factor": "1",
    "errors.deadletterqueue.context.headers.enable": "true",
  });

  await page.goto(`${BASE_URL}${connectorPath(sink)}`);
  const card = page.getByTestId("dlq-card");
  await card.locator("[data-testid=dlq-total]", { hasText: /^2$/ }).waitFor();
  const group = card.locator("[data-testid=error-group]");
  await group.locator("[data-testid=error-group-count]", { hasText: /^2$/ }).waitFor();
  assert.equal(await group.count(), 1);
  assert.match(await group.textContent(), /DataException/);

  await group.getByTestId("replay-group").click();
  const panel = page.getByTestId("replay-panel");
  await panel.getByTestId("replay-dry-run").waitFor();
  assert.equal(await panel.getByTestId("replay-dry-run").textContent(), `2 records will be produced: 2 to ${topic}`);
  assert.match(await panel.textContent(), /at least once/);
  await panel.getByTestId("replay-confirm").click();
  await page.locator("[data-testid=toast-success]", { hasText: "Replayed 2 records" }).waitFor();
  // Back in the topic, the two records fail again: the queue holds four.
  await card.locator("[data-testid=dlq-total]", { hasText: /^4$/ }).waitFor();
});
