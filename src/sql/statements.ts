/**
 * The SQL of every store operation, written once with `?` placeholders and numbered for
 * PostgreSQL. Internal to `SqlRefreshTokenStore`.
 *
 * @module
 */
import type { SqlDialect } from "./client.js";
import type { TableNames } from "./schema.js";

const TOKEN_COLUMNS = "hash, session_id, issued_at, expires_at, spent_at, successor_hash, sealed_successor";
const SESSION_COLUMNS = "id, subject, claims, metadata, created_at, last_used_at, expires_at, revoked_at, issuer, audience";

/** Every statement the store runs, for one dialect and set of tables. */
export interface Statements {
  /** PostgreSQL: session and first token in one statement. Others: `insertSession` then `insertToken`. */
  createSession: string | null;
  insertSession: string;
  insertToken: string;
  findToken: string;
  findSession: string;
  /** PostgreSQL: serialises the logins of one subject within a transaction (advisory lock). Others: `null`. */
  lockSubject: string | null;
  /** The subject's active sessions, oldest first, locked where the dialect can (`FOR UPDATE`). */
  activeSessionsForLimit: string;
  /**
   * PostgreSQL: the whole rotation (lock the session, spend, touch, insert successor) in one
   * statement whose affected-row count is 1 exactly when the spend happened. Others: `null`.
   */
  spendAndInsert: string | null;
  /** Finds a token already spent with a given successor: the idempotent retry of a spend. */
  spentWith: string;
  /** Whether a token has a given hash: a spend never overwrites one with its successor. */
  tokenExists: string;
  /**
   * The conditional spend (the token usable, of the successor's session, in an active session);
   * its affected-row count is at least 1 exactly when it spent the token.
   */
  spend: string;
  /** Touches the session after a spend, where `spend` cannot (SQLite). */
  touchAfterSpend: string | null;
  touchSession: string;
  revokeSession: string;
  revokeSubject: string;
  /** `revokeSubject` limited to one binding and unbound sessions. */
  revokeSubjectOfBinding: string;
  listSessions: string;
  purgeTokensOfEndedSessions: string;
  purgeEndedSessions: string;
  purgeExpiredTokens: string;
  readVersion: string;
  writeVersion: string;
  /** Serialises concurrent migrations (PostgreSQL advisory lock), or `null`. */
  migrationLock: string | null;
}

/** Builds the statements for a dialect. */
export function buildStatements(dialect: SqlDialect, tables: TableNames): Statements {
  const { sessions, tokens, version } = tables;
  const insertSession = `INSERT INTO ${sessions} (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const insertToken = `INSERT INTO ${tokens} (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`;
  const usable = `spent_at IS NULL AND expires_at > ?`;
  const activeSession = `revoked_at IS NULL AND expires_at > ?`;
  const ended = `revoked_at IS NOT NULL OR expires_at <= ?`;
  // Ties of createdAt are broken by id byte by byte: PostgreSQL would otherwise use the database's locale.
  const oldestFirst = `ORDER BY created_at, id${dialect === "postgres" ? ` COLLATE "C"` : ""}`;
  const statements: Statements = {
    createSession: null,
    insertSession,
    insertToken,
    findToken: `SELECT t.hash, t.session_id, t.issued_at, t.expires_at AS token_expires_at, t.spent_at, t.successor_hash,
  t.sealed_successor, s.id, s.subject, s.claims, s.metadata, s.created_at, s.last_used_at, s.expires_at, s.revoked_at, s.issuer,
  s.audience
FROM ${tokens} t JOIN ${sessions} s ON s.id = t.session_id WHERE t.hash = ?`,
    findSession: `SELECT ${SESSION_COLUMNS} FROM ${sessions} WHERE id = ?`,
    lockSubject: null,
    activeSessionsForLimit: `SELECT id, issuer, audience FROM ${sessions} WHERE subject = ? AND ${activeSession} ${oldestFirst}${
      dialect === "sqlite" ? "" : " FOR UPDATE"
    }`,
    spendAndInsert: null,
    spentWith: `SELECT hash FROM ${tokens} WHERE hash = ? AND successor_hash = ? AND spent_at IS NOT NULL`,
    tokenExists: `SELECT hash FROM ${tokens} WHERE hash = ?`,
    spend: `UPDATE ${tokens} SET spent_at = ?, successor_hash = ?, sealed_successor = ?
WHERE hash = ? AND session_id = ? AND ${usable} AND EXISTS (SELECT 1 FROM ${sessions} s WHERE s.id = ${tokens}.session_id AND s.${activeSession})`,
    touchAfterSpend: `UPDATE ${sessions} SET last_used_at = ? WHERE id = ?`,
    touchSession: `UPDATE ${sessions} SET last_used_at = ? WHERE id = ?`,
    revokeSession: `UPDATE ${sessions} SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
    revokeSubject: `UPDATE ${sessions} SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL`,
    revokeSubjectOfBinding: `UPDATE ${sessions} SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL
  AND (issuer IS NULL OR (issuer = ? AND audience = ?))`,
    listSessions: `SELECT ${SESSION_COLUMNS} FROM ${sessions} WHERE subject = ? AND ${activeSession} ${oldestFirst}`,
    purgeTokensOfEndedSessions: `DELETE FROM ${tokens} WHERE session_id IN (SELECT id FROM ${sessions} WHERE ${ended})`,
    purgeEndedSessions: `DELETE FROM ${sessions} WHERE ${ended}`,
    purgeExpiredTokens: `DELETE FROM ${tokens} WHERE expires_at <= ?`,
    readVersion: `SELECT MAX(version) AS version FROM ${version}`,
    writeVersion: `INSERT INTO ${version} (version) VALUES (?)`,
    migrationLock: null,
  };
  if (dialect === "mysql") {
    // One statement spends the token and touches its session, locking both rows in that order.
    statements.spend = `UPDATE ${tokens} t JOIN ${sessions} s ON s.id = t.session_id
SET t.spent_at = ?, t.successor_hash = ?, t.sealed_successor = ?, s.last_used_at = ?
WHERE t.hash = ? AND t.session_id = ? AND t.spent_at IS NULL AND t.expires_at > ? AND s.revoked_at IS NULL AND s.expires_at > ?`;
    statements.touchAfterSpend = null;
  }
  if (dialect === "postgres") {
    // Casts: PostgreSQL cannot infer parameter types inside a SELECT list.
    statements.createSession = `WITH created AS (${insertSession} RETURNING id)
INSERT INTO ${tokens} (${TOKEN_COLUMNS}) SELECT ?::text, created.id, ?::bigint, ?::bigint, NULL, NULL, NULL FROM created`;
    // The session row is locked first and its state read as locked: a revocation that commits
    // while this statement waits (e.g. for the token row) is seen, and one that comes later waits.
    // The successor must belong to that session and must not overwrite an existing token.
    statements.spendAndInsert = `WITH session AS MATERIALIZED (
  SELECT s.id FROM ${sessions} s JOIN ${tokens} t ON t.session_id = s.id
  WHERE t.hash = ? AND s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ?
    AND NOT EXISTS (SELECT 1 FROM ${tokens} taken WHERE taken.hash = ?)
  FOR UPDATE OF s
), spent AS (
  UPDATE ${tokens} t SET spent_at = ?, successor_hash = ?, sealed_successor = ?
  FROM session
  WHERE t.hash = ? AND t.session_id = session.id AND t.spent_at IS NULL AND t.expires_at > ?
  RETURNING t.session_id
), touched AS (
  UPDATE ${sessions} SET last_used_at = ? WHERE id IN (SELECT session_id FROM spent)
)
INSERT INTO ${tokens} (${TOKEN_COLUMNS}) SELECT ?::text, session_id, ?::bigint, ?::bigint, NULL, NULL, NULL FROM spent`;
    statements.lockSubject = `SELECT pg_advisory_xact_lock(hashtext(?::text))`;
    statements.migrationLock = `SELECT pg_advisory_xact_lock(hashtext('${version}'))`;
    for (const key of Object.keys(statements) as (keyof Statements)[]) {
      const sql = statements[key];
      if (sql !== null) statements[key] = numberPlaceholders(sql);
    }
  }
  return statements;
}

/** Rewrites `?` placeholders as `$1, $2, …` (our statements have no `?` inside literals). */
function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}
