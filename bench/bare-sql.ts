/**
 * The store calls of a refresh written straight against each driver — `pg` Pool, `mysql2` pool,
 * `better-sqlite3` — running exactly the statements `SqlRefreshTokenStore` runs for one (the same
 * SQL, built by the same function, with the same transactions): `findToken`, then the spend
 * (PostgreSQL: one statement; MariaDB: `tokenExists`, the spend, the successor's insert in a
 * transaction; SQLite: the same plus the touch, in `BEGIN IMMEDIATE`). `bare-rotation.ts` does
 * the rest of a refresh around them; the SQL store's ratio to the whole is tokenwise's overhead.
 */
import type Database from "better-sqlite3";
import type { Pool as MysqlPool } from "mysql2/promise";
import type pg from "pg";
import type { SqlDialect } from "tokenwise/sql";
import { buildStatements, type Statements } from "../src/sql/statements.js";
import type { BareSpend, BareStoreCalls } from "./bare-rotation.js";

/** The driver a bare refresh talks to, by dialect. */
export type BareDriver = { dialect: "postgres"; pool: pg.Pool } | { dialect: "mysql"; pool: MysqlPool } | { dialect: "sqlite"; database: Database.Database };

type Row = Record<string, unknown>;

/** `findToken` and the spend of one dialect, through its bare driver. */
function driverCalls(driver: BareDriver, sql: Statements): { find(hash: string): Promise<Row | undefined>; spend(spend: BareSpend): Promise<boolean> } {
  const insertParams = (s: BareSpend) => [s.successorHash, s.sessionId, s.at, s.expiresAt, null, null, null];
  if (driver.dialect === "postgres") {
    const { pool } = driver;
    return {
      find: async (hash) => (await pool.query(sql.findToken, [hash])).rows[0] as Row | undefined,
      spend: async (s) => {
        const params = [s.hash, s.sessionId, s.at, s.successorHash, s.at, s.successorHash, s.sealed, s.hash, s.at, s.at, s.successorHash, s.at, s.expiresAt];
        return (await pool.query(sql.spendAndInsert as string, params)).rowCount === 1;
      },
    };
  }
  if (driver.dialect === "mysql") {
    const { pool } = driver;
    return {
      find: async (hash) => ((await pool.execute(sql.findToken, [hash]))[0] as Row[])[0],
      spend: async (s) => {
        const connection = await pool.getConnection();
        try {
          await connection.beginTransaction();
          const taken = (await connection.execute(sql.tokenExists, [s.successorHash]))[0] as Row[];
          const spendParams = [s.at, s.successorHash, s.sealed, s.at, s.hash, s.sessionId, s.at, s.at];
          const [spent] = taken.length > 0 ? [{ affectedRows: 0 }] : await connection.execute(sql.spend, spendParams);
          const done = (spent as { affectedRows: number }).affectedRows >= 1;
          if (done) await connection.execute(sql.insertToken, insertParams(s));
          await connection.commit();
          return done;
        } catch (error) {
          await connection.rollback();
          throw error;
        } finally {
          connection.release();
        }
      },
    };
  }
  const { database } = driver;
  const texts = [sql.findToken, sql.tokenExists, sql.spend, sql.insertToken, sql.touchAfterSpend as string];
  const [find, exists, spend, insert, touch] = texts.map((text) => database.prepare(text));
  return {
    find: async (hash) => find?.get(hash) as Row | undefined,
    spend: async (s) => {
      database.exec("BEGIN IMMEDIATE");
      try {
        const done = exists?.get(s.successorHash) === undefined && Number(spend?.run(s.at, s.successorHash, s.sealed, s.hash, s.sessionId, s.at, s.at).changes) >= 1;
        if (done) {
          insert?.run(...insertParams(s));
          touch?.run(s.at, s.sessionId);
        }
        database.exec("COMMIT");
        return done;
      } catch (error) {
        database.exec("ROLLBACK");
        throw error;
      }
    },
  };
}

/**
 * The store calls of a bare refresh over the tables of one prefix.
 *
 * @param tables - `tableNames(prefix)`
 */
export function bareSqlCalls(driver: BareDriver, tables: { sessions: string; tokens: string; version: string }): BareStoreCalls {
  const calls = driverCalls(driver, buildStatements(driver.dialect satisfies SqlDialect, tables));
  return {
    async find(hash) {
      const row = await calls.find(hash);
      if (!row) return undefined;
      return {
        sessionId: String(row.session_id),
        subject: String(row.subject),
        claims: JSON.parse(String(row.claims)) as object,
        tokenExpiresAt: Number(row.token_expires_at),
        spent: row.spent_at !== null,
        sessionExpiresAt: Number(row.expires_at),
        revoked: row.revoked_at !== null,
      };
    },
    spend: calls.spend,
  };
}
