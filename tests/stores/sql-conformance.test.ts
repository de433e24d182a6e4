import { runStoreConformance } from "tokenwise/testing";
import { afterAll, describe, it } from "vitest";
import { openMariadb, openOrSkip, openPglite, openPostgres, openSqliteFile, openSqliteMemory, openStore, type DatabaseOpener } from "./databases.js";

const OPENERS: [string, DatabaseOpener][] = [
  ["PostgreSQL (pg)", openPostgres],
  ["MariaDB (mysql2)", openMariadb],
  ["SQLite file (better-sqlite3)", openSqliteFile],
  ["SQLite :memory: (better-sqlite3)", openSqliteMemory],
  ["PostgreSQL embedded (PGlite)", openPglite],
];

for (const [name, open] of OPENERS) {
  const database = await openOrSkip(open);
  if (!database) {
    describe.skip(`RefreshTokenStore conformance: ${name} (server unreachable)`, () => it("skipped", () => undefined));
    continue;
  }
  afterAll(() => database.close());
  // One set of tables per dialect for the whole suite: the checks use random ids and tolerate sharing.
  const store = openStore(database);
  runStoreConformance({ name, createStore: () => store, runner: { describe, it }, concurrency: 25 });
}
