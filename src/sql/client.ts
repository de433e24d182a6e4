/**
 * The structural database client `SqlRefreshTokenStore` talks to. It is deliberately tiny so that
 * any driver can be wired in a few lines; ready-made wrappers exist for `pg`, `mysql2`,
 * `better-sqlite3` / `node:sqlite` / `bun:sqlite` and PGlite.
 *
 * @module
 */

/** The SQL dialects the store speaks. `mysql` covers MySQL 8 and MariaDB 10.6+. */
export type SqlDialect = "postgres" | "mysql" | "sqlite";

/** What one statement returns: its rows (for reads) and how many rows it changed (for writes). */
export interface SqlResult {
  /** Rows as plain objects keyed by column name; empty for writes without `RETURNING`. */
  rows: Record<string, unknown>[];
  /** Rows inserted, updated or deleted. For a statement with `RETURNING`, the rows returned. */
  affectedRows: number;
}

/** Runs one parameterised statement. */
export interface SqlExecutor {
  /**
   * Runs one statement with bound parameters.
   *
   * @param sql - one statement with placeholders in the client's dialect: `$1, $2…` for
   *   postgres, `?` for mysql and sqlite
   * @param params - values for the placeholders: strings, numbers or `null`
   * @returns the rows and the affected-row count
   */
  query(sql: string, params: readonly unknown[]): Promise<SqlResult>;
}

/** A connection pool or database handle, as the store needs it. */
export interface SqlClient extends SqlExecutor {
  /** Which SQL the client speaks. */
  readonly dialect: SqlDialect;
  /**
   * Runs `work` in one transaction on one connection: commits when it resolves, rolls back when
   * it rejects. SQLite clients must take the write lock at the start (`BEGIN IMMEDIATE`).
   */
  transaction<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T>;
}
