// The database pipeline in the console, against the real stack: Debezium's PostgreSQL source
// and Debezium's JDBC sink (into MariaDB) made from the generated form alone (Connect's groups,
// recommended values as choices, PASSWORD settings as password inputs, validation errors at
// their fields, a chosen converter's own settings), an edit that keeps the hidden password
// the connector runs with, the source's Debezium card, rows arriving in MariaDB, a snapshot
// followed on the page, an incremental snapshot steered by signals from the console, and the
// slot card with the guard a resume passes when the slot moved past the offset.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "./browser.mjs";
import {
  CLUSTER, browserForTests, connectorPath, createConnector, getConnector, uniqueName, waitForHeaderState,
} from "./helpers.mjs";
import {
  KAFKA_BOOTSTRAP, MARIADB_PORT, POSTGRES_PORT, dropTable, mariadb, newTable, passwordOf, postgres,
} from "./databases.mjs";

const created = [];
const openPage = browserForTests(created);

/** Opens the create form of the plugin whose class ends with `suffix`, every setting shown. */
async function openCreateForm(page, suffix) {
  await page.goto(`${BASE_URL}/clusters/${CLUSTER}/new`);
  await page.getByTestId("plugin-search").fill(suffix);
  await page.locator(`[data-testid=plugin][data-class$=${suffix}]`).click();
  await page.locator("[data-setting=name] input").waitFor();
  await page.getByTestId("show-all").check();
}

const field = (page, key) => page.locator(`[data-setting="${key}"]`).first();

/** Types each value into its setting's input, or chooses it where the setting is a choice. */
async function fill(page, values) {
  for (const [key, value] of Object.entries(values)) {
    const select = field(page, key).locator("select");
    if (await select.count()) await select.selectOption(value);
    else await field(page, key).locator("input").fill(value);
  }
}

/** JSON on both sides, with its schemas: once a converter is chosen, Connect declares its own
 *  settings, which the form shows; `schemas.enable` is on by default (the JDBC sink needs the
 *  schemas to make its table). */
async function convertWithSchemas(page) {
  await fill(page, {
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
  });
  for (const side of ["key", "value"]) {
    const schemas = field(page, `${side}.converter.schemas.enable`).locator("input[type=checkbox]");
    await schemas.waitFor();
    assert.ok(await schemas.isChecked(), `${side}.converter.schemas.enable is on`);
  }
}

async function submitAndOpen(page, name) {
  await page.getByTestId("submit").click();
  await page.waitForURL(`${BASE_URL}${connectorPath(name)}`);
  await waitForHeaderState(page, "RUNNING");
}

/** Debezium's source of `table` (through its publication and slot of the same name) with its
 *  notifications to a topic of their own, and `extra` settings. */
function debeziumSource(table, extra) {
  return {
    "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
    "tasks.max": "1", "plugin.name": "pgoutput",
    "database.hostname": "127.0.0.1", "database.port": POSTGRES_PORT(),
    "database.user": "debezium", "database.password": passwordOf("debezium"), "database.dbname": "shop",
    "topic.prefix": table, "slot.name": table, "publication.name": table,
    "publication.autocreate.mode": "disabled", "table.include.list": `public.${table}`,
    "notification.enabled.channels": "sink", "notification.sink.topic.name": `${table}-notifications`,
    ...extra,
  };
}

async function mariadbHolds(table, expected) {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (mariadb(`SELECT id, note FROM ${table} ORDER BY id`) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(mariadb(`SELECT id, note FROM ${table} ORDER BY id`), expected, `MariaDB's ${table}`);
}

test("Debezium's source and the JDBC sink are made from the form alone, an edit keeps the hidden password, rows reach MariaDB", async () => {
  const page = await openPage();
  const table = newTable("e2e_form");
  const source = uniqueName("e2e-debezium");
  const sink = uniqueName("e2e-jdbc");
  created.push(source, sink);
  try {
    await openCreateForm(page, "PostgresConnector");
    // Debezium's own groups, in Connect's order.
    const legends = await page.locator("fieldset.generated legend").allTextContents();
    for (const group of ["Postgres", "Connector", "Events"]) assert.ok(legends.includes(group), legends.join(", "));
    assert.equal(await field(page, "database.password").locator("input").getAttribute("type"), "password");
    assert.ok(await field(page, "plugin.name").locator("select option[value=pgoutput]").count(), "the decoders are choices");

    // A first submit without the topic prefix: Debezium's error shows at that field.
    await fill(page, { name: source });
    await page.getByTestId("submit").click();
    await field(page, "topic.prefix").getByTestId("field-error").first().waitFor();
    assert.match(await page.getByTestId("form-errors").textContent(), /need|needs attention/);

    await fill(page, {
      "topic.prefix": table,
      "database.hostname": "127.0.0.1",
      "database.port": POSTGRES_PORT(),
      "database.user": "debezium",
      "database.password": passwordOf("debezium"),
      "database.dbname": "shop",
      "plugin.name": "pgoutput",
      "slot.name": table,
      "publication.name": table,
      "publication.autocreate.mode": "disabled",
      "table.include.list": `public.${table}`,
    });
    await convertWithSchemas(page);
    await submitAndOpen(page, source);
    const card = page.getByTestId("debezium-card");
    assert.equal(await card.getByTestId("debezium-slot").textContent(), table);
    assert.equal(await card.getByTestId("debezium-decoder").textContent(), "pgoutput");
    await card.locator("[data-lint=NoHeartbeat]").waitFor();

    await openCreateForm(page, "JdbcSinkConnector");
    assert.equal(await field(page, "connection.password").locator("input").getAttribute("type"), "password");
    await fill(page, {
      name: sink,
      topics: `${table}.public.${table}`,
      "connection.url": `jdbc:mariadb://127.0.0.1:${MARIADB_PORT()}/shop`,
      "connection.username": "sink",
      "connection.password": passwordOf("sink"),
      "insert.mode": "upsert",
      "primary.key.mode": "record_key",
      "schema.evolution": "basic",
      "collection.name.format": "${source.table}",
    });
    await convertWithSchemas(page);
    await submitAndOpen(page, sink);
    await mariadbHolds(table, "1\tone\n2\ttwo\n3\tthree\n");

    // An edit of the source: its password is not in the page, and what it runs with is kept.
    const slotHolder = () => postgres(`SELECT active_pid FROM pg_replication_slots WHERE slot_name = '${table}'`).trim();
    const before = slotHolder();
    await page.goto(`${BASE_URL}${connectorPath(source)}`);
    await page.getByTestId("edit").click();
    const password = field(page, "database.password").locator("input");
    await password.waitFor();
    assert.notEqual(await password.inputValue(), passwordOf("debezium"));
    assert.ok(!(await page.content()).includes(passwordOf("debezium")), "the password is not in the page");
    await page.getByTestId("show-all").check();
    await fill(page, { "heartbeat.interval.ms": "5000" });
    await page.getByTestId("submit").click();
    await page.locator("[data-testid=diff-row][data-key='heartbeat.interval.ms']").waitFor();
    assert.equal(await page.locator("[data-testid=diff-row][data-key='database.password']").count(), 0);
    await page.getByTestId("apply").click();
    await page.waitForURL(`${BASE_URL}${connectorPath(source)}`);
    await page.getByTestId("debezium-heartbeat").filter({ hasText: "every 5 s" }).waitFor();
    assert.equal((await getConnector(source)).config["heartbeat.interval.ms"], "5000");

    // The restarted task signs in again with the kept password: another connection holds the
    // slot, and a new row and a change reach MariaDB.
    for (let attempt = 0; attempt < 240 && ["", before].includes(slotHolder()); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.notEqual(slotHolder(), before, "the edited source's task reconnects");
    assert.notEqual(slotHolder(), "");
    postgres(`INSERT INTO ${table} VALUES (4, 'four'); UPDATE ${table} SET note = 'two, edited' WHERE id = 2;`);
    await mariadbHolds(table, "1\tone\n2\ttwo, edited\n3\tthree\n4\tfour\n");
  } finally {
    for (const name of [source, sink]) await fetch(`${BASE_URL}/api/v1${connectorPath(name)}`, { method: "DELETE" });
    await dropTable(table);
  }
});

test("a Debezium source's page follows its snapshot of three tables from the notifications to its completion", async () => {
  const page = await openPage();
  const table = newTable("e2e_snapshot");
  // Two more tables, of 4 and 5 rows, in the same publication.
  const others = [`${table}_b`, `${table}_c`];
  postgres(`CREATE TABLE ${others[0]} (id int PRIMARY KEY, note text NOT NULL);
    INSERT INTO ${others[0]} SELECT n, 'b' || n FROM generate_series(1, 4) n;
    CREATE TABLE ${others[1]} (id int PRIMARY KEY, note text NOT NULL);
    INSERT INTO ${others[1]} SELECT n, 'c' || n FROM generate_series(1, 5) n;
    ALTER PUBLICATION ${table} ADD TABLE ${others[0]}, ${others[1]};`);
  const source = uniqueName("e2e-snapshots");
  created.push(source);
  try {
    await createConnector(source, debeziumSource(table, {
      "table.include.list": [table, ...others].map((t) => `public.${t}`).join(","),
    }));
    await page.goto(`${BASE_URL}${connectorPath(source)}`);
    const card = page.getByTestId("snapshots-card");
    const done = card.locator("[data-testid=snapshot][data-kind=Initial][data-state=completed]");
    await done.waitFor();
    assert.equal(await done.getByTestId("snapshot-summary").textContent().then((t) => t.split(",").slice(0, 2).join(",")),
      "3 of 3 tables done, 12 rows");
    for (const [name, rows] of [[table, "3"], [others[0], "4"], [others[1], "5"]]) {
      const cells = done.locator(`[data-testid=snapshot-table][data-table="public.${name}"] td`);
      assert.equal(await cells.nth(1).textContent(), rows, name);
      assert.equal(await cells.nth(3).textContent(), "SUCCEEDED", name);
    }
    // Its card no longer says notifications are off.
    assert.equal(await page.locator("[data-lint=NotificationsOff]").count(), 0);
  } finally {
    await fetch(`${BASE_URL}/api/v1${connectorPath(source)}`, { method: "DELETE" });
    await dropTable(table);
    postgres(`DROP TABLE ${others.join(", ")};`);
  }
});

test("an incremental snapshot is started, paused, resumed and stopped from the console", async () => {
  const page = await openPage();
  const table = newTable("e2e_signals");
  const signalTable = `${table}_signal`;
  // 5,000 rows read a row per chunk: long enough to pause, resume and stop by hand.
  postgres(`INSERT INTO ${table} SELECT n, 'n' || n FROM generate_series(4, 5000) n;
    CREATE TABLE ${signalTable} (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048));
    GRANT INSERT, UPDATE, DELETE ON ${signalTable} TO debezium;
    ALTER PUBLICATION ${table} ADD TABLE ${signalTable};`);
  const source = uniqueName("e2e-signals");
  created.push(source);
  try {
    await createConnector(source, debeziumSource(table, {
      "snapshot.mode": "no_data", "incremental.snapshot.chunk.size": "1",
      "signal.enabled.channels": "source,kafka", "signal.kafka.topic": `${table}-signals`,
      "signal.kafka.bootstrap.servers": KAFKA_BOOTSTRAP(), "signal.data.collection": `public.${signalTable}`,
    }));
    await page.goto(`${BASE_URL}${connectorPath(source)}`);
    await waitForHeaderState(page, "RUNNING");
    const controls = page.getByTestId("signal-controls");
    await controls.getByTestId("signal-tables").fill(`public.${table}`);
    await controls.getByTestId("signal-execute").click();
    const id = await controls.getByTestId("signal-sent").textContent();
    const run = (state) => page.locator(`[data-testid=snapshot][data-state=${state}]`, {
      has: page.locator("[data-testid=snapshot-id]", { hasText: id }),
    });
    await run("running").waitFor();
    await controls.getByTestId("signal-pause").click();
    await run("paused").waitFor();
    await controls.getByTestId("signal-resume").click();
    await run("running").waitFor();
    await controls.getByTestId("signal-stop").click();
    await run("aborted").waitFor();
  } finally {
    await fetch(`${BASE_URL}/api/v1${connectorPath(source)}`, { method: "DELETE" });
    await dropTable(table);
  }
});

test("a stopped source whose slot moved past its offset: the slot card shows the gap, and Resume says so before it acts", async () => {
  const page = await openPage();
  const table = newTable("e2e_slot");
  const source = uniqueName("e2e-slot");
  created.push(source);
  try {
    await createConnector(source, debeziumSource(table, {}));
    await page.goto(`${BASE_URL}${connectorPath(source)}`);
    await waitForHeaderState(page, "RUNNING");
    const card = page.getByTestId("slot-card");
    await card.locator("[data-testid=slot-active][data-active=true]").waitFor();
    assert.match(await card.getByTestId("slot-access").textContent(), /monitoring role plugboard_monitor/);
    await card.getByTestId("offset-lsn").waitFor();
    // The slot watch's readings make its chart.
    await card.getByTestId("slot-chart").waitFor();

    // Stopped from the page; then the slot is advanced behind the connector's back.
    await page.getByTestId("stop").click();
    await waitForHeaderState(page, "STOPPED");
    await card.locator("[data-testid=slot-active][data-active=false]").waitFor();
    postgres(`INSERT INTO ${table} SELECT n, 'while stopped' FROM generate_series(10, 500) n;
      SELECT pg_replication_slot_advance('${table}', pg_current_wal_lsn());`);
    await card.locator("[data-testid=slot-guard][data-verdict=skips_events]").waitFor();

    // Resume says what it would skip and waits; Cancel leaves the connector stopped.
    await page.getByTestId("resume").click();
    const guard = page.getByTestId("resume-guard");
    await guard.waitFor();
    assert.match(await guard.textContent(), /never be sent again/);
    await guard.getByTestId("guard-cancel").click();
    await guard.waitFor({ state: "detached" });
    assert.equal((await getConnector(source)).summary.state, "STOPPED");
    // Told to go on, it resumes.
    await page.getByTestId("resume").click();
    await guard.getByTestId("guard-proceed").click();
    await waitForHeaderState(page, "RUNNING");
  } finally {
    await fetch(`${BASE_URL}/api/v1${connectorPath(source)}`, { method: "DELETE" });
    await dropTable(table);
  }
});
