/**
 * How `SqlRefreshTokenStore` grows: rows per session over a simulated week of refreshes every
 * 15 minutes, with `purgeExpired()` every hour, and bytes per row. A measurement, not a test.
 *
 * A real `TokenManager` (default lifetimes: refresh tokens 7 days idle, sessions 30 days) over a
 * real store, with an injected clock: SQLite (better-sqlite3, a temporary file) always, and
 * PostgreSQL at 127.0.0.1:5432 (user postgres, database test) when it answers, on tables with a
 * prefix unique to the run that are dropped at the end. The SQL store keeps every spent token
 * row, seal included, until the token's own `expiresAt`: what `purgeExpired` deletes is expired
 * tokens and ended sessions with their tokens.
 *
 * Run: npx tsx scripts/sql-growth.ts [--sessions N] [--days D]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { generateSigningKey, TokenManager, type TokenPair } from "tokenwise";
import { SqlRefreshTokenStore, tableNames, wrapPgPool, wrapSqliteDatabase, type SqlClient } from "tokenwise/sql";

const { values } = parseArgs({ options: { sessions: { type: "string", default: "100" }, days: { type: "string", default: "9" } } });
const SESSIONS = Number(values.sessions);
const DAYS = Number(values.days);
const STEP = 15 * 60_000;
const STEPS_PER_DAY = 96;
const CLAIMS = { role: "member", plan: "pro", org: "acme", tenant: 7, locale: "en-GB", mfa: true, tier: 2, region: "eu-west-1" };

interface Target {
  name: string;
  client: SqlClient;
  /** Bytes the two tables take, with their indexes. */
  bytes(prefix: string): Promise<number>;
  close(prefix: string): Promise<void>;
}

async function count(client: SqlClient, table: string): Promise<number> {
  const { rows } = await client.query(`SELECT COUNT(*) AS n FROM ${table}`, []);
  return Number(rows[0]?.n);
}

async function measure(target: Target): Promise<void> {
  const prefix = `growth_${process.pid.toString(36)}_${Date.now().toString(36)}_`;
  const names = tableNames(prefix);
  try {
    const store = new SqlRefreshTokenStore({ client: target.client, tablePrefix: prefix });
    await store.migrate();
    let now = Date.UTC(2026, 0, 1);
    const tokens = new TokenManager({ issuer: "https://auth.example.com", audience: "api", signingKeys: [await generateSigningKey("HS256")], store, now: () => new Date(now) });
    const pairs: TokenPair[] = [];
    for (let index = 0; index < SESSIONS; index++) pairs.push(await tokens.issue({ subject: `user-${index}`, claims: CLAIMS, metadata: { userAgent: "growth/1.0" } }));
    console.log(`== ${target.name}: ${SESSIONS} sessions, a refresh each every 15 minutes, purgeExpired() every hour`);
    for (let day = 1; day <= DAYS; day++) {
      for (let step = 0; step < STEPS_PER_DAY; step++) {
        now += STEP;
        for (let index = 0; index < SESSIONS; index++) pairs[index] = await tokens.refresh((pairs[index] as TokenPair).refreshToken);
        if (step % 4 === 3) await tokens.purgeExpired();
      }
      const tokenRows = await count(target.client, names.tokens);
      const sessionRows = await count(target.client, names.sessions);
      const bytes = await target.bytes(prefix);
      console.log(
        `day ${day}: ${(tokenRows / SESSIONS).toFixed(1)} token rows + ${(sessionRows / SESSIONS).toFixed(0)} session row per session; ` +
          `${(bytes / (tokenRows + sessionRows)).toFixed(0)} bytes per row with indexes (${(bytes / SESSIONS / 1024).toFixed(0)} KiB per session)`,
      );
    }
  } finally {
    await target.close(prefix);
  }
}

function sqliteTarget(): Target {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-growth-"));
  const path = join(directory, "growth.db");
  const database = new Database(path);
  database.pragma("journal_mode = WAL");
  return {
    name: "SQLite (better-sqlite3, file)",
    client: wrapSqliteDatabase(database),
    async bytes() {
      database.pragma("wal_checkpoint(TRUNCATE)");
      const { page_count: pages, freelist_count: free } = { page_count: database.pragma("page_count", { simple: true }) as number, freelist_count: database.pragma("freelist_count", { simple: true }) as number };
      // The schema_version table and the database header take a page or two: negligible.
      return (pages - free) * (database.pragma("page_size", { simple: true }) as number) || statSync(path).size;
    },
    async close() {
      database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target | null> {
  const pool = new pg.Pool({ host: "127.0.0.1", port: 5432, user: "postgres", database: "test", max: 2, connectionTimeoutMillis: 2_000 });
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    console.log(`PostgreSQL skipped: ${(error as Error).message}`);
    await pool.end();
    return null;
  }
  const client = wrapPgPool(pool);
  return {
    name: "PostgreSQL (pg)",
    client,
    async bytes(prefix) {
      const names = tableNames(prefix);
      await pool.query(`VACUUM ${names.tokens}, ${names.sessions}`);
      const { rows } = await pool.query(`SELECT pg_total_relation_size($1) + pg_total_relation_size($2) AS bytes`, [names.tokens, names.sessions]);
      return Number(rows[0]?.bytes);
    },
    async close(prefix) {
      for (const table of Object.values(tableNames(prefix))) await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    },
  };
}

await measure(sqliteTarget());
const postgres = await postgresTarget();
if (postgres) await measure(postgres);
