/**
 * Seed 002's flow with refresh tokens in a SQLite file through `better-sqlite3`.
 * Run: npx tsx examples/sql-sqlite.ts [path/to/auth.db] (defaults to a fresh file in the temp folder)
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqlRefreshTokenStore, wrapSqliteDatabase } from "tokenwise/sql";
import { runSeed002Flow } from "./sql/seed-002-flow.js";

const database = new Database(process.argv[2] ?? join(mkdtempSync(join(tmpdir(), "tokenwise-")), "auth.db"));
const store = new SqlRefreshTokenStore({ client: wrapSqliteDatabase(database) });
await store.migrate();
await runSeed002Flow(store);
database.close();
