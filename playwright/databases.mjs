// The stack's databases for the end-to-end tests (scripts/lib/databases.sh): PostgreSQL, which
// Debezium reads, and MariaDB, which the JDBC sink writes, reached with their own command-line
// clients as their superusers on the servers' sockets. scripts/test.sh passes where they are.
import { execFileSync } from "node:child_process";

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run scripts/test.sh`);
  return value;
}

export const POSTGRES_PORT = () => setting("PLUGBOARD_POSTGRES_PORT");
export const MARIADB_PORT = () => setting("PLUGBOARD_MARIADB_PORT");
/** The bootstrap servers of the Kafka the test cluster's workers use. */
export const KAFKA_BOOTSTRAP = () => setting("PLUGBOARD_KAFKA_BOOTSTRAP");

/** The password of one of the stack's database users (`debezium`, `sink`). */
export function passwordOf(user) {
  const pair = setting("PLUGBOARD_DATABASE_PASSWORDS").split(",").map((p) => p.split("="))
    .find(([name]) => name === user);
  if (!pair) throw new Error(`no password for ${user} in PLUGBOARD_DATABASE_PASSWORDS`);
  return pair[1];
}

/** Runs SQL in PostgreSQL's `shop`; answers its rows, one line each, columns split by `|`. */
export function postgres(sql) {
  return execFileSync("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
    "-h", setting("PLUGBOARD_POSTGRES_SOCKET"), "-p", POSTGRES_PORT(), "-U", "postgres", "-d", "shop",
    "-c", sql], { encoding: "utf8" });
}

/** Runs SQL in MariaDB's `shop`; answers its rows, one line each, columns split by tabs, or
 *  null when the client fails (a table not made yet, say). */
export function mariadb(sql) {
  try {
    return execFileSync("mariadb", ["--no-defaults", "-u", "root", "-N", "-B",
      `--socket=${setting("PLUGBOARD_MARIADB_SOCKET")}`, "shop", "-e", sql],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return null;
  }
}

/** A table of the test's own in PostgreSQL with three rows, and a publication of the same
 *  name; the name is a PostgreSQL identifier (and slot name). */
export function newTable(prefix) {
  const table = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e4)}`;
  postgres(`CREATE TABLE ${table} (id int PRIMARY KEY, note text NOT NULL);
    CREATE PUBLICATION ${table} FOR TABLE ${table};
    INSERT INTO ${table} VALUES (1, 'one'), (2, 'two'), (3, 'three');`);
  return table;
}

/** Drops the slot of `table` once its connector has let go of it (after the connectors are
 *  deleted), its publication and the table. */
export async function dropTable(table) {
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      postgres(`SELECT pg_drop_replication_slot('${table}') FROM pg_replication_slots WHERE slot_name = '${table}'`);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  postgres(`DROP PUBLICATION IF EXISTS ${table}; DROP TABLE IF EXISTS ${table};`);
}
