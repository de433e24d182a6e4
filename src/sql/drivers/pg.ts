/**
 * Wrapper for a `pg` (node-postgres) `Pool`.
 *
 * @module
 */
import type { SqlClient, SqlExecutor, SqlResult } from "../client.js";

/** The part of a `pg` client or pool the store uses. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** The part of a `pg` `Pool` the store uses. */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(destroy?: boolean | Error): void }>;
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
      let broken: unknown;
      try {
        await connection.query("BEGIN");
        const result = await work(executor(connection));
        await connection.query("COMMIT");
        return result;
      } catch (error) {
        await connection.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError));
        throw error;
      } finally {
        connection.release(broken instanceof Error ? broken : broken !== undefined);
      }
    },
  };
}
