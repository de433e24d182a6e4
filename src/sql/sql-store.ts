/**
 * `SqlRefreshTokenStore`: the {@link RefreshTokenStore} for PostgreSQL, MySQL/MariaDB and SQLite.
 *
 * @module
 */
import { StoreError } from "../errors.js";
import { sessionsToEvict } from "../lib/_session-limit.js";
import { runStoreCall } from "../lib/_store-call.js";
import {
  type CreateSessionOptions,
  type JsonObject,
  type RefreshTokenLookup,
  type RefreshTokenRecord,
  type RefreshTokenStore,
  type SessionBinding,
  type SessionRecord,
  type SpendTokenRequest,
} from "../store.js";
import type { SqlClient, SqlExecutor } from "./client.js";
import { SCHEMA_VERSION, schemaStatements, tableNames, upgradeStatements } from "./schema.js";
import { buildStatements, type Statements } from "./statements.js";

/** Options of {@link SqlRefreshTokenStore}. */
export interface SqlRefreshTokenStoreOptions {
  /** The database, through a driver wrapper such as `wrapPgPool(pool)`. Its `dialect` selects the SQL. */
  client: SqlClient;
  /** Prefix of the three table names: lowercase letters, digits, `_`. @default "tokenwise_" */
  tablePrefix?: string;
}

/**
 * Keeps sessions and refresh-token hashes in SQL. One implementation for PostgreSQL, MySQL 8 /
 * MariaDB 10.6+ and SQLite; it depends on no driver and talks to a {@link SqlClient}.
 *
 * Rotation is one atomic compare-and-set enforced by the database, never a read-then-write in
 * application code: on PostgreSQL a single statement (a conditional `UPDATE … RETURNING`
 * feeding the successor's `INSERT`), elsewhere a conditional `UPDATE` checked by its
 * affected-row count and the `INSERT` in one transaction. Every query is parameterised; the
 * table prefix is validated. Run {@link migrate} once before use.
 *
 * Subjects are kept up to 255 characters on PostgreSQL and MySQL (a longer one fails with
 * `store_error`; the manager checks only that a subject is non-empty). Sessions created at the
 * same instant are ordered by id byte by byte, whatever the database's locale.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { TokenManager } from "tokenwise";
 * import { SqlRefreshTokenStore, wrapPgPool } from "tokenwise/sql";
 *
 * const store = new SqlRefreshTokenStore({ client: wrapPgPool(new pg.Pool()) });
 * await store.migrate();
 * const tokens = new TokenManager({ issuer, audience, signingKeys, store });
 * ```
 */
export class SqlRefreshTokenStore implements RefreshTokenStore {
  readonly #client: SqlClient;
  readonly #sql: Statements;
  readonly #schema: string[];
  readonly #prefix: string;

  /**
   * @param options - the client and an optional table prefix
   * @throws {InvalidConfigError} `invalid_config` for a malformed `tablePrefix`
   */
  constructor(options: SqlRefreshTokenStoreOptions) {
    const prefix = options.tablePrefix ?? "tokenwise_";
    this.#client = options.client;
    this.#sql = buildStatements(options.client.dialect, tableNames(prefix));
    this.#schema = schemaStatements(options.client.dialect, prefix);
    this.#prefix = prefix;
  }

  /**
   * Creates the tables and indexes if they do not exist, upgrades tables of an older schema
   * version in place (keeping every session and token), and records the schema version.
   * Idempotent; safe to run at every start-up. Sessions stored by tokenwise 0.1 stay unbound
   * to an issuer and audience: any manager sharing the store accepts them until they end.
   *
   * @throws {StoreError} `store_error` if the database is unreachable or holds a newer schema version
   */
  async migrate(): Promise<void> {
    await this.#run("migrate", () =>
      this.#client.transaction(async (tx) => {
        if (this.#sql.migrationLock) await tx.query(this.#sql.migrationLock, []);
        for (const statement of this.#schema) await tx.query(statement, []);
        const found = Number((await tx.query(this.#sql.readVersion, [])).rows[0]?.version ?? 0);
        if (found > SCHEMA_VERSION) {
          throw new StoreError(`the database schema is version ${found}; this release of tokenwise knows up to ${SCHEMA_VERSION}`);
        }
        // A fresh database (version 0) was just created at the current version; older ones are upgraded step by step.
        for (let version = found || SCHEMA_VERSION; version < SCHEMA_VERSION; version++) {
          for (const statement of upgradeStatements(this.#client.dialect, this.#prefix, version)) await tx.query(statement, []);
        }
        if (found < SCHEMA_VERSION) await tx.query(this.#sql.writeVersion, [SCHEMA_VERSION]);
      }),
    );
  }

  /** See {@link RefreshTokenStore.createSession}: the contract this method implements. */
  async createSession(session: SessionRecord, token: RefreshTokenRecord, options: CreateSessionOptions = {}): Promise<string[]> {
    const sessionParams = [
      session.id,
      session.subject,
      JSON.stringify(session.claims),
      JSON.stringify(session.metadata),
      session.createdAt.getTime(),
      session.lastUsedAt.getTime(),
      session.expiresAt.getTime(),
      millis(session.revokedAt),
      session.issuer,
      session.audience,
    ];
    const limit = options.maxActiveSessions;
    return this.#run("createSession", async () => {
      if (this.#sql.createSession && limit === undefined) {
        const tokenParams = [token.hash, token.issuedAt.getTime(), token.expiresAt.getTime()];
        await this.#client.query(this.#sql.createSession, [...sessionParams, ...tokenParams]);
        return [];
      }
      return this.#client.transaction(async (tx) => {
        const evicted = limit === undefined ? [] : await this.#sessionsBeyondLimit(tx, session, limit);
        await tx.query(this.#sql.insertSession, sessionParams);
        await insertToken(tx, this.#sql, token);
        for (const sessionId of evicted) await tx.query(this.#sql.revokeSession, [session.createdAt.getTime(), sessionId]);
        return evicted;
      });
    });
  }

  /**
   * Inside a login's transaction: locks the subject's active sessions (and, on PostgreSQL, the
   * subject itself, so that concurrent first logins queue too) and picks the oldest to revoke.
   */
  async #sessionsBeyondLimit(tx: SqlExecutor, newest: SessionRecord, limit: number): Promise<string[]> {
    if (this.#sql.lockSubject) await tx.query(this.#sql.lockSubject, [`${this.#prefix}:${newest.subject}`]);
    const { rows } = await tx.query(this.#sql.activeSessionsForLimit, [newest.subject, newest.createdAt.getTime()]);
    const active = rows.map((row) => ({ id: String(row.id), issuer: nullableString(row.issuer), audience: nullableString(row.audience) }));
    return sessionsToEvict(active, newest, limit);
  }

  /** See {@link RefreshTokenStore.findToken}: the contract this method implements. */
  async findToken(hash: string): Promise<RefreshTokenLookup | null> {
    const { rows } = await this.#run("findToken", () => this.#client.query(this.#sql.findToken, [hash]));
    const row = rows[0];
    if (!row) return null;
    return {
      token: {
        hash: String(row.hash),
        sessionId: String(row.session_id),
        issuedAt: date(row.issued_at),
        expiresAt: date(row.token_expires_at),
        spentAt: nullableDate(row.spent_at),
        successorHash: nullableString(row.successor_hash),
        sealedSuccessor: nullableString(row.sealed_successor),
      },
      session: sessionOf(row),
    };
  }

  /** See {@link RefreshTokenStore.spendToken}: the contract this method implements. */
  async spendToken(request: SpendTokenRequest): Promise<boolean> {
    const at = request.at.getTime();
    const { successor } = request;
    return this.#run("spendToken", async () => {
      const spent = await this.#spend(request, at, successor);
      if (spent) return true;
      // Idempotence: this very request may have committed already, its reply lost.
      const { rows } = await this.#client.query(this.#sql.spentWith, [request.hash, successor.hash]);
      return rows.length > 0;
    });
  }

  async #spend(request: SpendTokenRequest, at: number, successor: RefreshTokenRecord): Promise<boolean> {
    if (this.#sql.spendAndInsert) {
      const lock = [request.hash, successor.sessionId, at, successor.hash];
      const lockAndSpend = [...lock, at, successor.hash, request.sealedSuccessor, request.hash, at, at];
      const insert = [successor.hash, successor.issuedAt.getTime(), successor.expiresAt.getTime()];
      return (await this.#client.query(this.#sql.spendAndInsert, [...lockAndSpend, ...insert])).affectedRows === 1;
    }
    return this.#client.transaction(async (tx) => {
      // A taken successor hash is refused before anything is written (a racing insert of the same hash still fails the INSERT).
      if ((await tx.query(this.#sql.tokenExists, [successor.hash])).rows.length > 0) return false;
      const condition = [request.hash, successor.sessionId, at, at];
      const params = this.#sql.touchAfterSpend
        ? [at, successor.hash, request.sealedSuccessor, ...condition]
        : [at, successor.hash, request.sealedSuccessor, at, ...condition];
      const spent = await tx.query(this.#sql.spend, params);
      if (spent.affectedRows < 1) return false;
      await insertToken(tx, this.#sql, successor);
      if (this.#sql.touchAfterSpend) await tx.query(this.#sql.touchAfterSpend, [at, successor.sessionId]);
      return true;
    });
  }

  /** See {@link RefreshTokenStore.touchSession}: the contract this method implements. */
  async touchSession(sessionId: string, at: Date): Promise<void> {
    await this.#run("touchSession", () => this.#client.query(this.#sql.touchSession, [at.getTime(), sessionId]));
  }

  /** See {@link RefreshTokenStore.findSession}: the contract this method implements. */
  async findSession(sessionId: string): Promise<SessionRecord | null> {
    const { rows } = await this.#run("findSession", () => this.#client.query(this.#sql.findSession, [sessionId]));
    return rows[0] ? sessionOf(rows[0]) : null;
  }

  /** See {@link RefreshTokenStore.revokeSession}: the contract this method implements. */
  async revokeSession(sessionId: string, at: Date): Promise<boolean> {
    const result = await this.#run("revokeSession", () => this.#client.query(this.#sql.revokeSession, [at.getTime(), sessionId]));
    return result.affectedRows > 0;
  }

  /** See {@link RefreshTokenStore.revokeSubject}: the contract this method implements. */
  async revokeSubject(subject: string, at: Date, binding?: SessionBinding): Promise<number> {
    const result = await this.#run("revokeSubject", () =>
      binding
        ? this.#client.query(this.#sql.revokeSubjectOfBinding, [at.getTime(), subject, binding.issuer, binding.audience])
        : this.#client.query(this.#sql.revokeSubject, [at.getTime(), subject]),
    );
    return result.affectedRows;
  }

  /** See {@link RefreshTokenStore.listSessions}: the contract this method implements. */
  async listSessions(subject: string, at: Date): Promise<SessionRecord[]> {
    const { rows } = await this.#run("listSessions", () => this.#client.query(this.#sql.listSessions, [subject, at.getTime()]));
    return rows.map(sessionOf);
  }

  /** See {@link RefreshTokenStore.purgeExpired}: the contract this method implements. */
  async purgeExpired(at: Date): Promise<number> {
    const now = at.getTime();
    return this.#run("purgeExpired", () =>
      this.#client.transaction(async (tx) => {
        const tokensOfEnded = await tx.query(this.#sql.purgeTokensOfEndedSessions, [now]);
        const sessions = await tx.query(this.#sql.purgeEndedSessions, [now]);
        const expiredTokens = await tx.query(this.#sql.purgeExpiredTokens, [now]);
        return tokensOfEnded.affectedRows + sessions.affectedRows + expiredTokens.affectedRows;
      }),
    );
  }

  /** Runs a database call, reporting any failure as `store_error` with the driver's error as cause. */
  #run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return runStoreCall(`SqlRefreshTokenStore.${operation}`, call);
  }
}

async function insertToken(executor: SqlExecutor, statements: Statements, token: RefreshTokenRecord): Promise<void> {
  await executor.query(statements.insertToken, [
    token.hash,
    token.sessionId,
    token.issuedAt.getTime(),
    token.expiresAt.getTime(),
    millis(token.spentAt),
    token.successorHash,
    token.sealedSuccessor,
  ]);
}

function sessionOf(row: Record<string, unknown>): SessionRecord {
  return {
    id: String(row.id),
    subject: String(row.subject),
    claims: JSON.parse(String(row.claims)) as JsonObject,
    metadata: JSON.parse(String(row.metadata)) as JsonObject,
    createdAt: date(row.created_at),
    lastUsedAt: date(row.last_used_at),
    expiresAt: date(row.expires_at),
    revokedAt: nullableDate(row.revoked_at),
    issuer: nullableString(row.issuer),
    audience: nullableString(row.audience),
  };
}

function millis(value: Date | null): number | null {
  return value === null ? null : value.getTime();
}

/** BIGINT columns come back as numbers, strings (pg) or bigints (some SQLite drivers). */
function date(value: unknown): Date {
  return new Date(Number(value));
}

function nullableDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : date(value);
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
