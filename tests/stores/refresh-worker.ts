/**
 * A separate OS process that refreshes tokens against a shared SQL database, for the
 * multi-process tests. Configured by environment variables; prints "ready", waits for "go" on
 * stdin (race mode), then reports on stdout as JSON lines.
 *
 * Modes:
 * - race: REFRESHES concurrent refreshes of TOKEN; prints one JSON array of outcomes.
 * - chain: refreshes TOKEN, then its successor, and so on, printing each new token, until killed.
 * - spend: one store.spendToken of HASH with successor SUCCESSOR_HASH in SESSION_ID, printing
 *   "started" first; the parent kills it while it waits.
 * - gated: one refresh of TOKEN that pauses right before its spend, printing "spending" and
 *   waiting for "go"; then prints the outcome as JSON.
 */
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { SqlRefreshTokenStore, wrapMysql2Pool, wrapPgPool, wrapSqliteDatabase, type SqlClient } from "tokenwise/sql";
import { MYSQL_CONFIG, PG_CONFIG } from "./databases.js";
import { chain, race, waitForGo, workerManager } from "./worker-modes.js";

const env = process.env as Record<string, string>;

function openClient(): SqlClient {
  if (env.DIALECT === "postgres") return wrapPgPool(new pg.Pool({ ...PG_CONFIG, max: 10, application_name: "tokenwise-worker" }));
  if (env.DIALECT === "mysql") return wrapMysql2Pool(mysql.createPool({ ...MYSQL_CONFIG, connectionLimit: 10 }));
  return wrapSqliteDatabase(new Database(env.SQLITE_PATH as string), { busyTimeoutMs: 20_000 });
}

const store = new SqlRefreshTokenStore({ client: openClient(), tablePrefix: env.TABLE_PREFIX });
const tokens = workerManager(store);

async function spend(): Promise<void> {
  const at = new Date();
  const successor = {
    hash: env.SUCCESSOR_HASH as string,
    sessionId: env.SESSION_ID as string,
    issuedAt: at,
    expiresAt: new Date(at.getTime() + 3_600_000),
    spentAt: null,
    successorHash: null,
    sealedSuccessor: null,
  };
  console.log("started");
  console.log(String(await store.spendToken({ hash: env.HASH as string, at, successor, sealedSuccessor: "A".repeat(43) })));
}

async function gated(): Promise<void> {
  const spendToken = store.spendToken.bind(store);
  store.spendToken = async (request) => {
    console.log("spending");
    await waitForGo();
    return spendToken(request);
  };
  const outcome = await tokens.refresh(env.TOKEN).then(
    (pair) => ({ token: pair.refreshToken }),
    (error: { code?: string }) => ({ code: error.code ?? String(error) }),
  );
  console.log(JSON.stringify(outcome));
  process.exit(0);
}

const MODES: Record<string, () => Promise<void>> = { chain: () => chain(tokens), spend, gated, race: () => race(tokens) };
await (MODES[env.MODE as string] ?? (() => race(tokens)))();
