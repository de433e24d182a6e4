/**
 * Wrapper for PGlite (`@electric-sql/pglite`): PostgreSQL compiled to WebAssembly, embedded in
 * the process — for tests, edge functions and single-process apps.
 *
 * @module
 */
import type { SqlClient, SqlExecutor, SqlResult } from "../client.js";

/** The part of a PGlite query result the store reads. */
export interface PgliteQueryResult {
  /** The rows. */
  rows: unknown[];
  /** Rows inserted, updated or deleted. */
  affectedRows?: number;
}

/** The part of a PGlite instance (or its transaction) the store uses. */
export interface PgliteQueryable {
  /** Runs a parameterised statement. */
  query(sql: string, params?: unknown[]): Promise<PgliteQueryResult>;
}

/** The part of a `PGlite` instance the store uses. */
export interface PgliteLike extends PgliteQueryable {
  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
}

function executor(target: PgliteQueryable): SqlExecutor {
  return {
    async query(sql: string, params: readonly unknown[]): Promise<SqlResult> {
      const result = await target.query(sql, [...params]);
      return { rows: result.rows as Record<string, unknown>[], affectedRows: result.affectedRows ?? 0 };
    },
  };
}

/**
 * Wraps a PGlite database as a {@link SqlClient} of dialect `postgres`.
 *
 * @param database - a `PGlite` instance
 * @returns a client for `SqlRefreshTokenStore`
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite";
 * import { SqlRefreshTokenStore, wrapPglite } from "tokenwise/sql";
 *
 * const store = new SqlRefreshTokenStore({ client: wrapPglite(new PGlite()) });
 * ```
 */
export function wrapPglite(database: PgliteLike): SqlClient {
  return {
    dialect: "postgres",
    ...executor(database),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> => database.transaction((tx) => work(executor(tx))),
  };
}
