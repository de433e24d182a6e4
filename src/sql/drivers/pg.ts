/**
 * Wrapper for a `pg` (node-postgres) `Pool`.
 *
 * @module
 */
import type { SqlClient, SqlExecutor, SqlResult } from "../client.js";
import { inTransaction } from "./_transaction.js";

/** The part of a `pg` query result the store reads. */
export interface PgQueryResult {
  /** The rows. */
  rows: Record<string, unknown>[];
  /** Rows affected or returned. */
  rowCount: number | null;
}

/** The part of a `pg` client or pool the store uses. */
export interface PgQueryable {
  /** Runs a parameterised statement. */
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
}

/** A client checked out of a `pg` pool. */
export interface PgPoolClientLike extends PgQueryable {
  /** Returns the client to the pool; `true` or an error destroys it instead. */
  release(destroy?: boolean | Error): void;
}

/** The part of a `pg` `Pool` the store uses. */
export interface PgPoolLike extends PgQueryable {
  /** Checks out one client, for a transaction. */
  connect(): Promise<PgPoolClientLike>;
}

function executor(target: PgQueryable): SqlExecutor {
  return {
    async query(sql: string, params: readonly unknown[]): Promise<SqlResult> {
      const result = await target.query(sql, [...params]);
      return { rows: result.rows, affectedRows: result.rowCount ?? 0 };
    },
  };
}

/**
 * Wraps a `pg` `Pool` as a {@link SqlClient} of dialect `postgres`. Transactions check out one
 * connection and return it afterwards (destroying it if the rollback itself failed).
 *
 * @param pool - a `pg.Pool`
 * @returns a client for `SqlRefreshTokenStore`
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { SqlRefreshTokenStore, wrapPgPool } from "tokenwise/sql";
 *
 * const store = new SqlRefreshTokenStore({ client: wrapPgPool(new pg.Pool({ connectionString: process.env.DATABASE_URL })) });
 * ```
 */
export function wrapPgPool(pool: PgPoolLike): SqlClient {
  return {
    dialect: "postgres",
    ...executor(pool),
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      const steps = {
        begin: () => connection.query("BEGIN"),
        commit: () => connection.query("COMMIT"),
        rollback: () => connection.query("ROLLBACK"),
        release: (broken: unknown) => connection.release(broken instanceof Error ? broken : broken !== undefined),
      };
      return inTransaction(steps, () => work(executor(connection)));
    },
  };
}
