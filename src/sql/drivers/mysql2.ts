/**
 * Wrapper for a `mysql2/promise` `Pool` (MySQL 8, MariaDB 10.6+).
 *
 * @module
 */
import type { SqlClient, SqlExecutor, SqlResult } from "../client.js";
import { inTransaction } from "./_transaction.js";

/** What `mysql2/promise` `execute` resolves to: rows for reads, a result header for writes. */
type Mysql2Result = [unknown, unknown];

/** The values the store binds: strings, numbers (timestamps) and `null`. */
export type Mysql2Value = string | number | null;

/** The part of a `mysql2/promise` connection the store uses. */
export interface Mysql2Queryable {
  /** Runs a server-side prepared statement. */
  execute(sql: string, values?: Mysql2Value[]): Promise<Mysql2Result>;
}

/** A connection checked out of a `mysql2/promise` pool. */
export interface Mysql2PoolConnectionLike extends Mysql2Queryable {
  /** Starts a transaction. */
  beginTransaction(): Promise<void>;
  /** Commits it. */
  commit(): Promise<void>;
  /** Rolls it back. */
  rollback(): Promise<void>;
  /** Returns the connection to the pool. */
  release(): void;
  /** Closes the connection instead of returning it. */
  destroy(): void;
}

/** The part of a `mysql2/promise` `Pool` the store uses. */
export interface Mysql2PoolLike extends Mysql2Queryable {
  /** Checks out one connection, for a transaction. */
  getConnection(): Promise<Mysql2PoolConnectionLike>;
}

function executor(target: Mysql2Queryable): SqlExecutor {
  return {
    async query(sql: string, params: readonly unknown[]): Promise<SqlResult> {
      const [result] = await target.execute(sql, params as Mysql2Value[]);
      if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], affectedRows: result.length };
      return { rows: [], affectedRows: Number((result as { affectedRows?: unknown }).affectedRows ?? 0) };
    },
  };
}

/**
 * Wraps a `mysql2/promise` `Pool` as a {@link SqlClient} of dialect `mysql`. Statements run as
 * server-side prepared statements (`execute`); transactions use one pooled connection.
 *
 * @param pool - a pool from `mysql2/promise`'s `createPool`
 * @returns a client for `SqlRefreshTokenStore`
 *
 * @example
 * ```ts
 * import mysql from "mysql2/promise";
 * import { SqlRefreshTokenStore, wrapMysql2Pool } from "tokenwise/sql";
 *
 * const store = new SqlRefreshTokenStore({ client: wrapMysql2Pool(mysql.createPool(process.env.DATABASE_URL)) });
 * ```
 */
export function wrapMysql2Pool(pool: Mysql2PoolLike): SqlClient {
  return {
    dialect: "mysql",
    ...executor(pool),
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const connection = await pool.getConnection();
      const steps = {
        begin: () => connection.beginTransaction(),
        commit: () => connection.commit(),
        rollback: () => connection.rollback(),
        release: (broken: unknown) => (broken === undefined ? connection.release() : connection.destroy()),
      };
      return inTransaction(steps, () => work(executor(connection)));
    },
  };
}
