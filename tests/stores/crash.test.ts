import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { hashRefreshToken } from "tokenwise";
import { afterAll, describe, expect, it } from "vitest";
import { until } from "../support/until.js";
import { MYSQL_CONFIG, openMariadb, openOrSkip, openPostgres, PG_CONFIG, type DatabaseOpener, type TestDatabase } from "./databases.js";
import { setUp, startWorker, tokenRows } from "./processes.js";

/** A second connection that holds a row lock in an open transaction. */
interface Blocker {
  /** Inserts a row with `hash` without committing: any other insert of that hash waits. */
  hold(table: string, hash: string): Promise<void>;
  /** Rolls back and disconnects. */
  release(): Promise<void>;
}

async function postgresBlocker(): Promise<Blocker> {
  const client = new pg.Client(PG_CONFIG);
  await client.connect();
  return {
    async hold(table, hash) {
      await client.query("BEGIN");
      await client.query(`INSERT INTO ${table} (hash, session_id, issued_at, expires_at) VALUES ($1, 'blocker', 0, 1)`, [hash]);
    },
    async release() {
      await client.query("ROLLBACK");
      await client.end();
    },
  };
}

async function mariadbBlocker(): Promise<Blocker> {
  const connection = await mysql.createConnection(MYSQL_CONFIG);
  return {
    async hold(table, hash) {
      await connection.beginTransaction();
      await connection.execute(`INSERT INTO ${table} (hash, session_id, issued_at, expires_at) VALUES (?, 'blocker', 0, 1)`, [hash]);
    },
    async release() {
      await connection.rollback();
      await connection.end();
    },
  };
}

/** Asked on a connection of its own (PostgreSQL freezes its activity view inside a transaction). */
const LOCK_WAITS = {
  postgres: "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE $1",
  // The successor's INSERT runs only after the spending UPDATE, and cannot finish while the blocker holds its key.
  mysql: "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND info LIKE CONCAT('INSERT INTO ', ?, '%')",
};


/** Waits until no transaction holds the row any more: the killed worker's has been committed or rolled back. */
async function settle(db: TestDatabase, table: string, hash: string): Promise<void> {
  const placeholder = db.client.dialect === "postgres" ? "$1" : "?";
  await db.client.transaction((tx) => tx.query(`SELECT hash FROM ${table} WHERE hash = ${placeholder} FOR UPDATE`, [hash]));
}

const DATABASES: [string, "postgres" | "mysql", DatabaseOpener, () => Promise<Blocker>][] = [
  ["PostgreSQL", "postgres", openPostgres, postgresBlocker],
  ["MariaDB", "mysql", openMariadb, mariadbBlocker],
];

for (const [name, dialect, open, blocker] of DATABASES) {
  const database = await openOrSkip(open);
  describe.skipIf(!database)(`${name}: a process killed in the middle of a rotation`, () => {
    const db = database as TestDatabase;
    afterAll(() => db.close());

    it("leaves the token spent with its successor, or unspent without one — never half-way", async () => {
      const { tokens, env } = await setUp(db, dialect, 10);
      const table = `${env.TABLE_PREFIX}refresh_tokens`;
      const pair = await tokens.issue({ subject: "crash" });
      const successorHash = randomBytes(32).toString("hex");
      const lock = await blocker();
      await lock.hold(table, successorHash);
      try {
        // The worker spends the token, then blocks inserting the successor: mid-rotation.
        const worker = startWorker({ ...env, MODE: "spend", HASH: hashRefreshToken(pair.refreshToken), SUCCESSOR_HASH: successorHash, SESSION_ID: pair.sessionId });
        expect(await worker.nextLine()).toBe("started");
        const pattern = dialect === "postgres" ? `%${table}%` : table;
        const waiting = async () => Number((await db.client.query(LOCK_WAITS[dialect], [pattern])).rows[0]?.n) > 0;
        await until(waiting, "the worker waits inside its rotation");
        worker.process.kill("SIGKILL");
        await worker.exited;
      } finally {
        await lock.release();
      }
      await settle(db, table, hashRefreshToken(pair.refreshToken));

      const rows = await tokenRows(db, env.TABLE_PREFIX as string, pair.sessionId);
      const original = rows.find((row) => row.hash === hashRefreshToken(pair.refreshToken));
      const successor = rows.find((row) => row.hash === successorHash);
      const rotated = original?.spent_at !== null;
      expect(original).toBeDefined();
      expect(rotated).toBe(successor !== undefined);
      expect(original?.successor_hash ?? null).toBe(rotated ? successorHash : null);
      expect(rows).toHaveLength(rotated ? 2 : 1);
      if (!rotated) await expect(tokens.refresh(pair.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
    });
  });
}
