/**
 * Wrapper for the synchronous SQLite drivers: `better-sqlite3`, Node's `node:sqlite`
 * (`DatabaseSync`, Node ≥ 22.5) and Bun's `bun:sqlite` — they share one shape.
 *
 * @module
 */
import type { SqlClient, SqlExecutor, SqlResult } from "../client.js";

/** What running a statement reports. */
export interface SqliteRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number | bigint;
}

/** A prepared statement of any of the three drivers. */
export interface SqliteStatementLike {
  /** Runs a read and returns every row. */
  all(...params: unknown[]): unknown[];
  /** Runs a write. */
  run(...params: unknown[]): SqliteRunResult;
}

/** A database handle of `better-sqlite3`, `node:sqlite` or `bun:sqlite`. */
export interface SqliteDatabaseLike {
  /** Prepares a statement. */
  prepare(sql: string): SqliteStatementLike;
  /** Runs SQL without parameters (pragmas, transaction control). */
  exec(sql: string): unknown;
}

/** Options of {@link wrapSqliteDatabase}. */
export interface SqliteClientOptions {
  /** How long a writer waits for another process's lock before failing, in milliseconds. @default 5000 */
  busyTimeoutMs?: number;
}

const READS = /^\s*(SELECT|WITH)\b|\bRETURNING\b/i;

/**
 * Wraps a SQLite database as a {@link SqlClient} of dialect `sqlite`. Sets WAL journaling and a
 * busy timeout so several processes can share the file; transactions take the write lock at once
 * (`BEGIN IMMEDIATE`) and are queued within the process, since one handle is one connection.
 *
 * @param database - a `better-sqlite3` `Database`, a `node:sqlite` `DatabaseSync` or a `bun:sqlite` `Database`
 * @param options - `busyTimeoutMs`
 * @returns a client for `SqlRefreshTokenStore`
 *
 * @example
 * ```ts
 * import Database from "better-sqlite3";
 * import { SqlRefreshTokenStore, wrapSqliteDatabase } from "tokenwise/sql";
 *
 * const store = new SqlRefreshTokenStore({ client: wrapSqliteDatabase(new Database("auth.db")) });
 * ```
 */
export function wrapSqliteDatabase(database: SqliteDatabaseLike, options: SqliteClientOptions = {}): SqlClient {
  database.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  database.exec("PRAGMA journal_mode = WAL");
  const statements = new Map<string, SqliteStatementLike>();
  const executor: SqlExecutor = {
    async query(sql: string, params: readonly unknown[]): Promise<SqlResult> {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = database.prepare(sql)));
      if (READS.test(sql)) {
        const rows = statement.all(...params) as Record<string, unknown>[];
        return { rows, affectedRows: rows.length };
      }
      return { rows: [], affectedRows: Number(statement.run(...params).changes) };
    },
  };
  // One handle is one connection: statements of concurrent callers must not enter an open transaction.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    dialect: "sqlite",
    query: (sql, params) => exclusive(() => executor.query(sql, params)),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
      exclusive(async () => {
        database.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(executor);
          database.exec("COMMIT");
          return result;
        } catch (error) {
          database.exec("ROLLBACK");
          throw error;
        }
      }),
  };
}
