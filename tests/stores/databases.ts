/**
 * Real databases for the SQL store tests: connection, a table prefix unique to this run, and
 * clean-up. An unreachable server skips its tests with a message, unless
 * TOKENWISE_REQUIRE_SERVICES=1 (set by CI), where it fails them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { SqlRefreshTokenStore, tableNames, wrapMysql2Pool, wrapPglite, wrapPgPool, wrapSqliteDatabase, type SqlClient } from "tokenwise/sql";

export const REQUIRE_SERVICES = process.env.TOKENWISE_REQUIRE_SERVICES === "1";
export const PG_CONFIG = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };
export const MYSQL_CONFIG = { host: "127.0.0.1", port: 3306, user: "root", database: "test" };

let runCounter = 0;

/** A table prefix no other run, process or test file uses. */
export function uniquePrefix(): string {
  return `tw${process.pid.toString(36)}_${Date.now().toString(36)}_${(runCounter++).toString(36)}_`;
}

/** A database the tests can open stores on, and how to clean up after them. */
export interface TestDatabase {
  name: string;
  client: SqlClient;
  /** The database file, for SQLite databases that other processes open too. */
  path?: string;
  /** Drops every table this run created and closes connections. */
  close(): Promise<void>;
}

/** Opens a database, or explains why not: returns the reason as a string when it is unreachable. */
export type DatabaseOpener = () => Promise<TestDatabase | string>;

const prefixesInUse = new Set<string>();

/** A migrated store over fresh tables with a unique prefix. */
export async function openStore(database: TestDatabase, prefix = uniquePrefix()): Promise<SqlRefreshTokenStore> {
  prefixesInUse.add(prefix);
  const store = new SqlRefreshTokenStore({ client: database.client, tablePrefix: prefix });
  await store.migrate();
  return store;
}

/** Drops the tables of one prefix, as soon as its store is done with. */
export async function dropStoreTables(database: TestDatabase, prefix: string): Promise<void> {
  for (const table of Object.values(tableNames(prefix))) await database.client.query(`DROP TABLE IF EXISTS ${table}`, []);
  prefixesInUse.delete(prefix);
}

async function dropPrefixedTables(client: SqlClient, listTables: string): Promise<void> {
  const { rows } = await client.query(listTables, []);
  const names = rows.map((row) => String(row.table_name ?? row.TABLE_NAME ?? row.name));
  for (const name of names.filter((table) => [...prefixesInUse].some((prefix) => table.startsWith(prefix)))) {
    await client.query(`DROP TABLE IF EXISTS ${name}`, []);
  }
}

/** Opens a server through its pool: probe it, wrap it, and drop this run's tables when done. */
async function openServer(options: {
  name: string;
  address: string;
  client: SqlClient;
  probe: () => Promise<unknown>;
  end: () => Promise<void>;
  listTables: string;
}): Promise<TestDatabase | string> {
  try {
    await options.probe();
  } catch (error) {
    await options.end();
    return `${options.name} at ${options.address} unreachable (${(error as Error).message})`;
  }
  return {
    name: options.name,
    client: options.client,
    async close() {
      await dropPrefixedTables(options.client, options.listTables);
      await options.end();
    },
  };
}

export const openPostgres: DatabaseOpener = () => {
  const pool = new pg.Pool({ ...PG_CONFIG, max: 10, connectionTimeoutMillis: 3000 });
  return openServer({
    name: "PostgreSQL (pg)",
    address: `${PG_CONFIG.host}:${PG_CONFIG.port}`,
    client: wrapPgPool(pool),
    probe: () => pool.query("SELECT 1"),
    end: () => pool.end(),
    listTables: "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
  });
};

export const openMariadb: DatabaseOpener = () => {
  const pool = mysql.createPool({ ...MYSQL_CONFIG, connectionLimit: 10, connectTimeout: 3000 });
  return openServer({
    name: "MariaDB (mysql2)",
    address: `${MYSQL_CONFIG.host}:${MYSQL_CONFIG.port}`,
    client: wrapMysql2Pool(pool),
    probe: () => pool.query("SELECT 1"),
    end: () => pool.end(),
    listTables: "SELECT table_name AS table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
  });
};

export const openSqliteFile: DatabaseOpener = async () => {
  const directory = mkdtempSync(join(tmpdir(), "tokenwise-sqlite-"));
  const path = join(directory, "auth.db");
  const database = new Database(path);
  return {
    name: "SQLite file (better-sqlite3)",
    path,
    client: wrapSqliteDatabase(database),
    async close() {
      database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
};

export const openSqliteMemory: DatabaseOpener = async () => {
  const database = new Database(":memory:");
  return { name: "SQLite :memory: (better-sqlite3)", client: wrapSqliteDatabase(database), close: async () => void database.close() };
};

export const openPglite: DatabaseOpener = async () => {
  const database = new PGlite();
  await database.waitReady;
  return { name: "PostgreSQL embedded (PGlite)", client: wrapPglite(database), close: () => database.close() };
};

/**
 * Opens a database (or another service) for a test file. Unreachable: fails when services are
 * required, otherwise prints why its tests are skipped and returns null.
 */
export async function openOrSkip<Service = TestDatabase>(open: () => Promise<Service | string>): Promise<Service | null> {
  const database = await open();
  if (typeof database !== "string") return database;
  if (REQUIRE_SERVICES) throw new Error(`${database}; TOKENWISE_REQUIRE_SERVICES=1 requires it`);
  console.warn(`skipped: ${database}. Set TOKENWISE_REQUIRE_SERVICES=1 to make this a failure.`);
  return null;
}
