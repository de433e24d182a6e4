/**
 * Seed 002's flow with refresh tokens in MySQL or MariaDB through `mysql2`.
 * Run: npx tsx examples/sql-mysql.ts (DATABASE_URL defaults to the local test database)
 */
import mysql from "mysql2/promise";
import { SqlRefreshTokenStore, wrapMysql2Pool } from "tokenwise/sql";
import { runSeed002Flow } from "./sql/seed-002-flow.js";

const pool = mysql.createPool(process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/test");
const store = new SqlRefreshTokenStore({ client: wrapMysql2Pool(pool), tablePrefix: process.env.TOKENWISE_TABLE_PREFIX ?? "tokenwise_" });
await store.migrate();
await runSeed002Flow(store);
await pool.end();
