/** Starting and steering refresh-worker processes. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { TokenManager } from "tokenwise";
import type { SqlRefreshTokenStore } from "tokenwise/sql";
import { openStore, uniquePrefix, type TestDatabase } from "./databases.js";

const WORKER = join(import.meta.dirname, "refresh-worker.ts");
const ROOT = join(import.meta.dirname, "../..");

/** A running worker and the lines it printed. */
export interface Worker {
  process: ChildProcessWithoutNullStreams;
  /** Resolves with the next line printed on stdout. */
  nextLine(): Promise<string>;
  /** Every line printed so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts a worker with the given environment: `refresh-worker.ts` unless told another script. */
export function startWorker(env: Record<string, string>, script: string = WORKER): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: ROOT, env: { ...process.env, ...env } });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  const queued: string[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queued.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && code !== null) for (const waiter of waiting.splice(0)) waiter(`exit ${code}: ${stderr}`);
  });
  return {
    process: child,
    lines,
    exited,
    nextLine: () => {
      const line = queued.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

const SECRET = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");

/** A manager and store over fresh tables, and the environment a worker needs to open the same. */
export interface Setup {
  tokens: TokenManager;
  store: SqlRefreshTokenStore;
  env: Record<string, string>;
}

export async function setUp(database: TestDatabase, dialect: string, grace: number): Promise<Setup> {
  const prefix = uniquePrefix();
  const store = await openStore(database, prefix);
  const tokens = new TokenManager({
    issuer: "https://multi-process.test",
    audience: "api",
    signingKeys: [{ alg: "HS256", secret: Buffer.from(SECRET, "base64url") }],
    store,
    reuseGraceSeconds: grace,
  });
  const env = { DIALECT: dialect, TABLE_PREFIX: prefix, SECRET, GRACE: String(grace), SQLITE_PATH: database.path ?? "" };
  return { tokens, store, env };
}

/** Every token row of a session, read straight from the table. */
export async function tokenRows(database: TestDatabase, prefix: string, sessionId: string) {
  const placeholder = database.client.dialect === "postgres" ? "$1" : "?";
  const { rows } = await database.client.query(
    `SELECT hash, spent_at, successor_hash, sealed_successor FROM ${prefix}refresh_tokens WHERE session_id = ${placeholder}`,
    [sessionId],
  );
  return rows as { hash: string; spent_at: unknown; successor_hash: string | null; sealed_successor: string | null }[];
}

