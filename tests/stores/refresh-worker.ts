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
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { TokenManager } from "tokenwise";
import { SqlRefreshTokenStore, wrapMysql2Pool, wrapPgPool, wrapSqliteDatabase, type SqlClient } from "tokenwise/sql";
import { MYSQL_CONFIG, PG_CONFIG } from "./databases.js";

const env = process.env as Record<string, string>;

function openClient(): SqlClient {
  if (env.DIALECT === "postgres") return wrapPgPool(new pg.Pool({ ...PG_CONFIG, max: 10, application_name: "tokenwise-worker" }));
  if (env.DIALECT === "mysql") return wrapMysql2Pool(mysql.createPool({ ...MYSQL_CONFIG, connectionLimit: 10 }));
  return wrapSqliteDatabase(new Database(env.SQLITE_PATH as string), { busyTimeoutMs: 20_000 });
}

const store = new SqlRefreshTokenStore({ client: openClient(), tablePrefix: env.TABLE_PREFIX });
const lines = createInterface({ input: process.stdin });

async function waitForGo(): Promise<void> {
  for await (const line of lines) if (line === "go") return;
}
const tokens = new TokenManager({
  issuer: "https://multi-process.test",
  audience: "api",
  signingKeys: [{ alg: "HS256", secret: Buffer.from(env.SECRET as string, "base64url") }],
  store,
  reuseGraceSeconds: Number(env.GRACE),
});

async function race(): Promise<void> {
  console.log("ready");
  await waitForGo();
  const outcomes = await Promise.allSettled(Array.from({ length: Number(env.REFRESHES) }, () => tokens.refresh(env.TOKEN)));
  const report = outcomes.map((outcome) =>
    outcome.status === "fulfilled" ? { token: outcome.value.refreshToken } : { code: (outcome.reason as { code?: string }).code ?? String(outcome.reason) },
  );
  console.log(JSON.stringify(report));
  process.exit(0);
}

async function chain(): Promise<void> {
  let token = env.TOKEN as string;
  for (;;) {
    token = (await tokens.refresh(token)).refreshToken;
    console.log(JSON.stringify({ token }));
  }
}

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

const MODES: Record<string, () => Promise<void>> = { chain, spend, gated, race };
await (MODES[env.MODE as string] ?? race)();
