/**
 * Connections killed under load, on real PostgreSQL and MariaDB: the scenario of
 * `kill-scenario.ts`, with a control connection killing the store pool's backends and the
 * tables read with plain SQL behind the store's back.
 */
import mysql from "mysql2/promise";
import pg from "pg";
import { TokenManager } from "tokenwise";
import { SqlRefreshTokenStore, wrapMysql2Pool, wrapPgPool, type SqlClient } from "tokenwise/sql";
import { afterAll, describe, expect, it } from "vitest";
import type { ChainLink } from "./chains.js";
import { MYSQL_CONFIG, openMariadb, openOrSkip, openPostgres, openStore, PG_CONFIG, uniquePrefix, type DatabaseOpener, type TestDatabase } from "./databases.js";
import { CALLERS_PER_STEP, GRACE_SECONDS, runConnectionKills, SESSIONS } from "./kill-scenario.js";

/** The store's pool, and a way to kill its backend connections from outside it. */
interface KillablePool {
  client: SqlClient;
  /** Kills every backend connection of the pool that exists right now; returns how many. */
  killConnections(): Promise<number>;
  end(): Promise<void>;
}

/** PostgreSQL: the pool's connections carry an `application_name` no one else uses. */
async function postgresPool(): Promise<KillablePool> {
  const applicationName = `tokenwise_kills_${uniquePrefix()}`;
  const pool = new pg.Pool({ ...PG_CONFIG, max: 6, application_name: applicationName, connectionTimeoutMillis: 3_000 });
  pool.on("error", () => undefined); // an idle connection was killed: the pool drops it
  const control = new pg.Client(PG_CONFIG);
  await control.connect();
  return {
    client: wrapPgPool(pool),
    async killConnections() {
      const sql = "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1";
      const { rows } = await control.query<{ killed: boolean }>(sql, [applicationName]);
      return rows.filter((row) => row.killed).length;
    },
    end: async () => void (await Promise.all([pool.end(), control.end()])),
  };
}

/** MariaDB: the pool reports each new connection's thread id; only those are killed. */
async function mariadbPool(): Promise<KillablePool> {
  const pool = mysql.createPool({ ...MYSQL_CONFIG, connectionLimit: 6, connectTimeout: 3_000 });
  const threadIds = new Set<number>();
  pool.on("connection", (connection) => {
    threadIds.add(connection.threadId);
    connection.on("error", () => undefined); // killed while idle: the pool drops it
  });
  const control = await mysql.createConnection(MYSQL_CONFIG);
  return {
    client: wrapMysql2Pool(pool),
    async killConnections() {
      const [rows] = await control.query("SELECT id FROM information_schema.processlist");
      let killed = 0;
      for (const { id } of rows as { id: number }[]) {
        // A connection may close on its own between the listing and the kill.
        if (threadIds.has(Number(id))) await control.query(`KILL CONNECTION ${Number(id)}`).then(() => killed++, () => undefined);
      }
      return killed;
    },
    end: async () => void (await Promise.all([pool.end(), control.end()])),
  };
}

/** Every token and session of the run's tables, read with plain SQL. */
async function readTables(db: TestDatabase, prefix: string): Promise<{ links: ChainLink[]; revoked: Map<string, boolean> }> {
  const tokenRows = await db.client.query(`SELECT hash, session_id, issued_at, spent_at, successor_hash, sealed_successor FROM ${prefix}refresh_tokens`, []);
  const sessionRows = await db.client.query(`SELECT id, revoked_at FROM ${prefix}sessions`, []);
  const time = (value: unknown): Date | null => (value === null ? null : new Date(Number(value)));
  const links = tokenRows.rows.map((row) => ({
    hash: String(row.hash),
    sessionId: String(row.session_id),
    issuedAt: time(row.issued_at) as Date,
    spentAt: time(row.spent_at),
    successorHash: row.successor_hash === null ? null : String(row.successor_hash),
    sealedSuccessor: row.sealed_successor === null ? null : String(row.sealed_successor),
  }));
  return { links, revoked: new Map(sessionRows.rows.map((row) => [String(row.id), row.revoked_at !== null])) };
}

const SERVERS: [string, DatabaseOpener, () => Promise<KillablePool>][] = [
  ["PostgreSQL", openPostgres, postgresPool],
  ["MariaDB", openMariadb, mariadbPool],
];

for (const [name, open, openKillablePool] of SERVERS) {
  const database = await openOrSkip(open);
  describe.skipIf(!database)(`${name}: refresh chains while the store's connections are killed`, () => {
    const db = database as TestDatabase;
    afterAll(() => db.close());

    it(`${SESSIONS} sessions × ${CALLERS_PER_STEP} racing callers: chains stay linear, every last token stays refreshable, failures are store_error`, async () => {
      const prefix = uniquePrefix();
      await openStore(db, prefix); // the tables, migrated through the control pool and dropped at close
      const pool = await openKillablePool();
      try {
        const store = new SqlRefreshTokenStore({ client: pool.client, tablePrefix: prefix });
        const secret = crypto.getRandomValues(new Uint8Array(32));
        const tokens = new TokenManager({ issuer: "https://kills.test", audience: "api", signingKeys: [{ alg: "HS256", secret }], store, reuseGraceSeconds: GRACE_SECONDS, storeTimeout: "3s" });
        const tally = await runConnectionKills(name, tokens, { killConnections: () => pool.killConnections(), readState: () => readTables(db, prefix) });
        expect(tally.storeErrors, "the kills hit refreshes in flight").toBeGreaterThan(0);
      } finally {
        await pool.end();
      }
    });
  });
}
