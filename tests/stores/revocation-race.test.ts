/**
 * A refresh that is waiting on a lock while its session is revoked: once the revocation has
 * committed, the refresh must fail. Driven step by step with a second connection holding a
 * lock: the token's row on the servers, the database's write lock on SQLite.
 */
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { hashRefreshToken, TokenManager } from "tokenwise";
import { afterAll, describe, expect, it } from "vitest";
import { until } from "../support/until.js";
import { MYSQL_CONFIG, openMariadb, openOrSkip, openPostgres, openSqliteFile, openStore, PG_CONFIG, uniquePrefix, type DatabaseOpener, type TestDatabase } from "./databases.js";
import { settle } from "./fault-scenarios.js";
import { setUp, startWorker } from "./processes.js";

/** A second connection that holds a token's row lock in an open transaction. */
interface RowLock {
  release(): Promise<void>;
}

async function lockPostgresRow(table: string, hash: string): Promise<RowLock> {
  const client = new pg.Client(PG_CONFIG);
  await client.connect();
  await client.query("BEGIN");
  await client.query(`SELECT hash FROM ${table} WHERE hash = $1 FOR UPDATE`, [hash]);
  return { release: async () => void (await client.query("ROLLBACK"), await client.end()) };
}

async function lockMariadbRow(table: string, hash: string): Promise<RowLock> {
  const connection = await mysql.createConnection(MYSQL_CONFIG);
  await connection.beginTransaction();
  await connection.execute(`SELECT hash FROM ${table} WHERE hash = ? FOR UPDATE`, [hash]);
  return { release: async () => void (await connection.rollback(), await connection.end()) };
}

/** How many statements on this run's tables wait for a row lock right now. */
const LOCK_WAITS = {
  postgres: "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1",
  mysql: "SELECT COUNT(*) AS n FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT' AND trx_query LIKE ?",
};


/** A promise whose settlement can be asked about synchronously. */
function watch<T>(promise: Promise<T>) {
  const state = { settled: false, outcome: settle(promise) };
  void state.outcome.then(() => (state.settled = true));
  return state;
}

const SERVERS: [string, "postgres" | "mysql", DatabaseOpener, (table: string, hash: string) => Promise<RowLock>][] = [
  ["PostgreSQL", "postgres", openPostgres, lockPostgresRow],
  ["MariaDB", "mysql", openMariadb, lockMariadbRow],
];

for (const [name, dialect, open, lockRow] of SERVERS) {
  const database = await openOrSkip(open);
  describe.skipIf(!database)(`${name}: a refresh waiting on a lock while its session is revoked`, () => {
    const db = database as TestDatabase;
    afterAll(() => db.close());

    it("fails once the revocation has committed, or else makes the revocation wait and lose nothing", async () => {
      const prefix = uniquePrefix();
      const store = await openStore(db, prefix);
      const tokens = new TokenManager({ issuer: "https://race.test", audience: "api", signingKeys: [{ alg: "HS256", secret: new Uint8Array(32).fill(3) }], store, reuseGraceSeconds: 0 });
      const pair = await tokens.issue({ subject: "raced" });
      const waiting = async () => Number((await db.client.query(LOCK_WAITS[dialect], [`%${prefix}%`])).rows[0]?.n);

      const lock = await lockRow(`${prefix}refresh_tokens`, hashRefreshToken(pair.refreshToken));
      let refresh: ReturnType<typeof watch<Awaited<ReturnType<typeof tokens.refresh>>>>;
      let revoke: ReturnType<typeof watch<boolean>>;
      let revokedFirst: boolean;
      try {
        refresh = watch(tokens.refresh(pair.refreshToken));
        await until(async () => (await waiting()) >= 1, "the refresh waits for the token's row lock");
        revoke = watch(tokens.revokeSession(pair.sessionId));
        await until(async () => revoke.settled || (await waiting()) >= 2, "the revocation commits or waits behind the refresh");
        revokedFirst = revoke.settled;
      } finally {
        await lock.release();
      }
      const refreshed = await refresh.outcome;
      expect(await revoke.outcome).toEqual({ ok: true, value: true });
      if (revokedFirst) {
        expect(refreshed).toMatchObject({ ok: false, error: { code: "session_revoked" } });
      } else {
        expect(refreshed.ok).toBe(true);
        if (refreshed.ok) await expect(tokens.refresh(refreshed.value.refreshToken)).rejects.toMatchObject({ code: "session_revoked" });
      }
      expect((await store.findSession(pair.sessionId))?.revokedAt).not.toBeNull();
    });
  });
}

describe("SQLite file: a refresh waiting for the write lock while its session is revoked", () => {
  it("fails once the revocation has committed", async () => {
    const db = (await openSqliteFile()) as TestDatabase;
    try {
      const { tokens, env } = await setUp(db, "sqlite", 0);
      const pair = await tokens.issue({ subject: "raced" });
      // The worker reads the session as active, then stops right before spending.
      const worker = startWorker({ ...env, MODE: "gated", TOKEN: pair.refreshToken });
      expect(await worker.nextLine()).toBe("spending");
      const revoker = new Database(db.path as string);
      revoker.exec("BEGIN IMMEDIATE");
      revoker.prepare(`UPDATE ${env.TABLE_PREFIX}sessions SET revoked_at = ? WHERE id = ?`).run(Date.now(), pair.sessionId);
      worker.process.stdin.write("go\n");
      // Its spend now queues for the write lock (busy timeout 20 s). Whether it is already
      // waiting when the revocation commits or starts just after, it must see the revocation.
      await new Promise((resolve) => setTimeout(resolve, 200));
      revoker.exec("COMMIT");
      revoker.close();
      expect(JSON.parse(await worker.nextLine())).toEqual({ code: "session_revoked" });
      await worker.exited;
    } finally {
      await db.close();
    }
  });
});
