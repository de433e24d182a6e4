import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openMariadb, openOrSkip, openPostgres, openStore, uniquePrefix, type DatabaseOpener, type TestDatabase } from "../stores/databases.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");

async function runExample(script: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", join("examples", script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return stdout;
}

function expectSeed002Flow(stdout: string): void {
  expect(stdout).toMatch(/POST \/api\/v1\/login → 200 \{"token":.*"token_expires_in":86400\}/);
  expect(stdout).toMatch(/POST \/api\/v1\/customer_login → 200/);
  expect(stdout).toContain("(rotated; the old one is revoked)");
  expect(stdout).toContain("replayed old refresh_token → 401 refresh_token_reused (session revoked)");
  expect(stdout).toContain("POST /api/v1/refresh_token after logout → 401 session_revoked → log in again");
  expect(stdout).toContain("active sessions of the staff user: 1");
}

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
