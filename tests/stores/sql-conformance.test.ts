import type { RefreshTokenStore } from "tokenwise";
import { runStoreConformance } from "tokenwise/testing";
import { afterAll, describe, it } from "vitest";
import { dropStoreTables, openMariadb, openOrSkip, openPglite, openPostgres, openSqliteFile, openSqliteMemory, openStore, uniquePrefix, type DatabaseOpener } from "./databases.js";

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
  // Each test gets tables of its own (the kit requires a fresh namespace), dropped when it ends.
  const prefixes = new Map<RefreshTokenStore, string>();
  runStoreConformance({
    name,
    createStore: async () => {
      const prefix = uniquePrefix();
      const store = await openStore(database, prefix);
      prefixes.set(store, prefix);
      return store;
    },
    teardown: (store) => dropStoreTables(database, prefixes.get(store) as string),
    runner: { describe, it },
    concurrency: 25,
  });
}
