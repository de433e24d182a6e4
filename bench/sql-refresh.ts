/**
 * `refresh` on `SqlRefreshTokenStore` — PostgreSQL (pg), MariaDB (mysql2), SQLite file
 * (better-sqlite3) — one caller and IN_FLIGHT at once, against the same statements through the
 * bare driver plus a bare sign (`bare-sql.ts`), on the same tables, in the same rounds.
 */
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { tableNames } from "tokenwise/sql";
import {
  MYSQL_CONFIG,
  openMariadb,
  openPostgres,
  openSqliteFile,
  openStore,
  PG_CONFIG,
  uniquePrefix,
  type DatabaseOpener,
  type TestDatabase,
} from "../tests/stores/databases.js";
import type { TokenwiseBuild } from "./backends.js";
import { bareRefresher } from "./bare-rotation.js";
import { bareSqlCalls, type BareDriver } from "./bare-sql.js";
import { compareCases, mergeGroups, type GroupResult } from "./comparison.js";
import { BENCH_CLAIMS, createManager, refreshChains } from "./managers.js";
import type { BatchSettings } from "./measure.js";
import { bareAccessTokenSigner } from "./memory-refresh.js";
import type { PeerKeys } from "./peer-keys.js";
import { withService } from "./services.js";
import { IN_FLIGHT } from "./verify-cases.js";

/** The case names, as the targets refer to them. */
export const SQL_CASES = { store: "refresh (SQL store)", bare: "bare driver + sign" } as const;

/** A bare driver beside the test helper's connection, on the same server or file, and how to close it. */
function openBareDriver(database: TestDatabase): { driver: BareDriver; close(): Promise<void> } {
  if (database.client.dialect === "postgres") {
    const pool = new pg.Pool({ ...PG_CONFIG, max: 10 });
    return { driver: { dialect: "postgres", pool }, close: () => pool.end() };
  }
  if (database.client.dialect === "mysql") {
    const pool = mysql.createPool({ ...MYSQL_CONFIG, connectionLimit: 10 });
    return { driver: { dialect: "mysql", pool }, close: () => pool.end() };
  }
  const handle = new Database(database.path as string);
  handle.pragma("busy_timeout = 5000");
  handle.pragma("journal_mode = WAL");
  return { driver: { dialect: "sqlite", database: handle }, close: async () => void handle.close() };
}

async function databaseCases(database: TestDatabase, native: TokenwiseBuild, keys: PeerKeys, settings: BatchSettings): Promise<GroupResult> {
  const prefix = uniquePrefix();
  const tokens = createManager(native.module, keys.signingKey, { store: await openStore(database, prefix) });
  const { accessToken } = await tokens.issue({ subject: "user-42", claims: BENCH_CLAIMS });
  const sign = bareAccessTokenSigner(keys, accessToken);
  const bare = openBareDriver(database);
  try {
    const refresh = bareRefresher(bareSqlCalls(bare.driver, tableNames(prefix)), sign);
    const bareTokens = { issue: tokens.issue.bind(tokens), refresh: async (token: string) => ({ refreshToken: await refresh(token) }) };
    const groups: GroupResult[] = [];
    for (const inFlight of [1, IN_FLIGHT]) {
      const cases = [
        { name: SQL_CASES.store, operation: await refreshChains(tokens, inFlight) },
        { name: SQL_CASES.bare, operation: await refreshChains(bareTokens, inFlight) },
      ];
      const group = sqlGroupName(database.name, inFlight);
      groups.push(await compareCases({ group, cases, comparisons: [[SQL_CASES.store, SQL_CASES.bare]], inFlight, settings }));
    }
    return mergeGroups(groups);
  } finally {
    await bare.close();
  }
}

/** The name of a SQL group, e.g. "refresh on PostgreSQL (pg), 1 in flight". */
export function sqlGroupName(database: string, inFlight: number): string {
  return `refresh on ${database}, ${inFlight} in flight`;
}

/** The databases, in the order measured, by the names their test helpers give them. */
export const SQL_DATABASES: { name: string; open: DatabaseOpener }[] = [
  { name: "PostgreSQL (pg)", open: openPostgres },
  { name: "MariaDB (mysql2)", open: openMariadb },
  { name: "SQLite file (better-sqlite3)", open: openSqliteFile },
];

/**
 * Measures every database that is reachable; an unreachable one is skipped with its reason.
 *
 * @param native - the tokenwise build Node loads
 * @param keys - the key both the store's manager and the bare sign use
 */
export async function sqlCases(native: TokenwiseBuild, keys: PeerKeys, settings: BatchSettings): Promise<GroupResult> {
  const results: GroupResult[] = [];
  for (const { name, open } of SQL_DATABASES) {
    results.push(
      await withService(open, async (database) => {
        if (typeof database === "string") return { cases: [], ratios: [], skipped: [{ service: name, reason: database }] };
        return databaseCases(database, native, keys, settings);
      }),
    );
  }
  return mergeGroups(results);
}
