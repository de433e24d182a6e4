import { afterAll, describe, it } from "vitest";
import { openMariadb, openOrSkip, openPostgres, openStore, uniquePrefix, type DatabaseOpener, type TestDatabase } from "../stores/databases.js";
import { expectSeed002Flow, runExample } from "./run-example.js";

describe("examples/sql-sqlite.ts", () => {
  it("runs seed 002's flow on a SQLite file", async () => {
    expectSeed002Flow(await runExample("sql-sqlite.ts"));
  });
});

const SERVERS: [string, string, DatabaseOpener, string][] = [
  ["examples/sql-postgres.ts", "sql-postgres.ts", openPostgres, "postgres://postgres@127.0.0.1:5432/test"],
  ["examples/sql-mysql.ts", "sql-mysql.ts", openMariadb, "mysql://root@127.0.0.1:3306/test"],
];

for (const [title, script, open, url] of SERVERS) {
  const database = await openOrSkip(open);
  describe.skipIf(!database)(title, () => {
    afterAll(() => (database as TestDatabase).close());
    it("runs seed 002's flow on the server, in tables of its own", async () => {
      const prefix = uniquePrefix();
      await openStore(database as TestDatabase, prefix); // registers the prefix for clean-up
      expectSeed002Flow(await runExample(script, { DATABASE_URL: url, TOKENWISE_TABLE_PREFIX: prefix }));
    });
  });
}
