/**
 * The tables behind `SqlRefreshTokenStore`, per dialect. Timestamps are stored as whole
 * milliseconds since the Unix epoch (BIGINT): they compare correctly whatever the server's or
 * session's time zone, and keep the millisecond precision the store contract asks for.
 *
 * @module
 */
import { InvalidConfigError } from "../errors.js";
import type { SqlDialect } from "./client.js";

/**
 * Version of the schema below; `migrate()` records it, upgrades an older database and refuses
 * a newer one. 1: tokenwise 0.1. 2: sessions bound to an issuer and audience.
 */
export const SCHEMA_VERSION = 2;

/** Table prefixes are spliced into SQL, so only this shape is accepted. */
const PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,30}$/;

/** Names of the tables for one prefix. */
export interface TableNames {
  /** `<prefix>sessions` */
  sessions: string;
  /** `<prefix>refresh_tokens` */
  tokens: string;
  /** `<prefix>schema_version` */
  version: string;
}

/**
 * Validates a table prefix and derives the table names.
 *
 * @param prefix - lowercase letters, digits and `_`, starting with a letter or `_`, at most 31 characters
 * @returns the three table names
 * @throws {InvalidConfigError} `invalid_config` for any other prefix
 */
export function tableNames(prefix: string): TableNames {
  if (typeof prefix !== "string" || !PREFIX_PATTERN.test(prefix)) {
    throw new InvalidConfigError("tablePrefix", `must match ${PREFIX_PATTERN}; got ${JSON.stringify(prefix)}`);
  }
  return { sessions: `${prefix}sessions`, tokens: `${prefix}refresh_tokens`, version: `${prefix}schema_version` };
}

/** Column types that differ between dialects. */
const TYPES: Record<SqlDialect, { id: string; hash: string; subject: string; text: string; time: string; suffix: string }> = {
  postgres: { id: "VARCHAR(64)", hash: "CHAR(64)", subject: "VARCHAR(255)", text: "TEXT", time: "BIGINT", suffix: "" },
  // Binary collations: ids, hashes and subjects must match exactly, never case-insensitively.
  mysql: {
    id: "VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin",
    hash: "CHAR(64) CHARACTER SET ascii COLLATE ascii_bin",
    subject: "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
    text: "MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
    time: "BIGINT",
    suffix: " ENGINE=InnoDB",
  },
  sqlite: { id: "TEXT", hash: "TEXT", subject: "TEXT", text: "TEXT", time: "INTEGER", suffix: "" },
};

/**
 * The DDL for one dialect and prefix, as idempotent statements (`IF NOT EXISTS`). Indexes make
 * every store operation an index lookup: tokens by hash (primary key) and by session; sessions
 * by id (primary key), by subject and by expiry; tokens by expiry for purging.
 *
 * @param dialect - the SQL dialect
 * @param prefix - the table prefix
 * @returns the statements `migrate()` runs, in order
 * @throws {InvalidConfigError} `invalid_config` for a malformed prefix
 *
 * @example
 * ```ts
 * import { schemaStatements } from "tokenwise/sql";
 *
 * console.log(schemaStatements("postgres", "tokenwise_").join(";\n"));
 * ```
 */
export function schemaStatements(dialect: SqlDialect, prefix: string): string[] {
  const names = tableNames(prefix);
  const type = TYPES[dialect];
  const sessionIndexes = [`${prefix}sessions_subject_idx (subject, created_at)`, `${prefix}sessions_expires_idx (expires_at)`];
  const tokenIndexes = [`${prefix}tokens_session_idx (session_id)`, `${prefix}tokens_expires_idx (expires_at)`];
  // MySQL has no CREATE INDEX IF NOT EXISTS: its indexes are declared inside CREATE TABLE.
  const inline = (indexes: string[]) => (dialect === "mysql" ? indexes.map((index) => `,\n  INDEX ${index}`).join("") : "");
  const separate = (table: string, indexes: string[]) =>
    dialect === "mysql" ? [] : indexes.map((index) => `CREATE INDEX IF NOT EXISTS ${index.replace(" (", ` ON ${table} (`)}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${names.sessions} (
  id ${type.id} NOT NULL PRIMARY KEY,
  subject ${type.subject} NOT NULL,
  claims ${type.text} NOT NULL,
  metadata ${type.text} NOT NULL,
  created_at ${type.time} NOT NULL,
  last_used_at ${type.time} NOT NULL,
  expires_at ${type.time} NOT NULL,
  revoked_at ${type.time} NULL,
  issuer ${type.text} NULL,
  audience ${type.text} NULL${inline(sessionIndexes)}
)${type.suffix}`,
    ...separate(names.sessions, sessionIndexes),
    `CREATE TABLE IF NOT EXISTS ${names.tokens} (
  hash ${type.hash} NOT NULL PRIMARY KEY,
  session_id ${type.id} NOT NULL,
  issued_at ${type.time} NOT NULL,
  expires_at ${type.time} NOT NULL,
  spent_at ${type.time} NULL,
  successor_hash ${type.hash} NULL,
  sealed_successor ${type.id} NULL${inline(tokenIndexes)}
)${type.suffix}`,
    ...separate(names.tokens, tokenIndexes),
    `CREATE TABLE IF NOT EXISTS ${names.version} (version INTEGER NOT NULL)${type.suffix}`,
  ];
}

/**
 * The statements that upgrade a database from `version` to `version + 1`, for one dialect and
 * prefix. Each upgrade keeps every session and token: a column added for a new promise is
 * nullable, and `null` keeps the behaviour the older version had.
 *
 * @param dialect - the SQL dialect
 * @param prefix - the table prefix
 * @param version - the version the database is at, from 1 to `SCHEMA_VERSION - 1`
 * @returns the statements, in order
 */
export function upgradeStatements(dialect: SqlDialect, prefix: string, version: number): string[] {
  const { sessions } = tableNames(prefix);
  const text = TYPES[dialect].text;
  switch (version) {
    case 1:
      // Sessions of 0.1 stay unbound (null): any manager accepts them until they end.
      return dialect === "sqlite"
        ? [`ALTER TABLE ${sessions} ADD COLUMN issuer ${text} NULL`, `ALTER TABLE ${sessions} ADD COLUMN audience ${text} NULL`]
        : [`ALTER TABLE ${sessions} ADD COLUMN issuer ${text} NULL, ADD COLUMN audience ${text} NULL`];
    default:
      throw new RangeError(`no upgrade from schema version ${version}`);
  }
}
