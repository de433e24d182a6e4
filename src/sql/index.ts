/**
 * `tokenwise/sql`: refresh-token storage in PostgreSQL, MySQL/MariaDB or SQLite, through any
 * driver. No driver is a dependency: wrap the one you use.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { SqlRefreshTokenStore, wrapPgPool } from "tokenwise/sql";
 *
 * const store = new SqlRefreshTokenStore({ client: wrapPgPool(new pg.Pool()), tablePrefix: "auth_" });
 * await store.migrate();
 * ```
 *
 * @module
 */
export type { SqlClient, SqlDialect, SqlExecutor, SqlResult } from "./client.js";
export {
  wrapMysql2Pool,
  type Mysql2PoolConnectionLike,
  type Mysql2PoolLike,
  type Mysql2Queryable,
  type Mysql2Value,
} from "./drivers/mysql2.js";
export { wrapPgPool, type PgPoolClientLike, type PgPoolLike, type PgQueryable, type PgQueryResult } from "./drivers/pg.js";
export { wrapPglite, type PgliteLike, type PgliteQueryable, type PgliteQueryResult } from "./drivers/pglite.js";
export {
  wrapSqliteDatabase,
  type SqliteClientOptions,
  type SqliteDatabaseLike,
  type SqliteRunResult,
  type SqliteStatementLike,
} from "./drivers/sqlite.js";
export { SCHEMA_VERSION, schemaStatements, tableNames, type TableNames } from "./schema.js";
export { SqlRefreshTokenStore, type SqlRefreshTokenStoreOptions } from "./sql-store.js";
