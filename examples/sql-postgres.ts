/**
 * Seed 002's flow with refresh tokens in PostgreSQL through `pg`.
 * Run: npx tsx examples/sql-postgres.ts (DATABASE_URL defaults to the local test database)
 */
import pg from "pg";
import { SqlRefreshTokenStore, wrapPgPool } from "tokenwise/sql";
import { runSeed002Flow } from "./sql/seed-002-flow.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" });
const store = new SqlRefreshTokenStore({ client: wrapPgPool(pool), tablePrefix: process.env.TOKENWISE_TABLE_PREFIX ?? "tokenwise_" });
await store.migrate();
await runSeed002Flow(store);
await pool.end();
