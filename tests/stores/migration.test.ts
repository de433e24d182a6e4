/**
 * Upgrading a database made by tokenwise 0.1 (schema version 1) in place: sessions survive,
 * keep refreshing, and stay unbound; new sessions are bound.
 */
import { hashRefreshToken, TokenManager } from "tokenwise";
import { SCHEMA_VERSION, SqlRefreshTokenStore, type SqlClient, type SqlDialect } from "tokenwise/sql";
import { afterAll, describe, expect, it } from "vitest";
import { openMariadb, openOrSkip, openPostgres, openSqliteMemory, uniquePrefix, type DatabaseOpener, type TestDatabase } from "./databases.js";

/** The tables exactly as tokenwise 0.1's `migrate()` created them (without the secondary indexes). */
function schemaVersion1(dialect: SqlDialect, prefix: string): string[] {
  const mysql = dialect === "mysql";
  const id = mysql ? "VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin" : dialect === "sqlite" ? "TEXT" : "VARCHAR(64)";
  const hash = mysql ? "CHAR(64) CHARACTER SET ascii COLLATE ascii_bin" : dialect === "sqlite" ? "TEXT" : "CHAR(64)";
  const subject = mysql ? "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : dialect === "sqlite" ? "TEXT" : "VARCHAR(255)";
  const text = mysql ? "MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" : "TEXT";
  const time = dialect === "sqlite" ? "INTEGER" : "BIGINT";
  const engine = mysql ? " ENGINE=InnoDB" : "";
  return [
    `CREATE TABLE ${prefix}sessions (id ${id} NOT NULL PRIMARY KEY, subject ${subject} NOT NULL, claims ${text} NOT NULL,
  metadata ${text} NOT NULL, created_at ${time} NOT NULL, last_used_at ${time} NOT NULL, expires_at ${time} NOT NULL,
  revoked_at ${time} NULL)${engine}`,
    `CREATE TABLE ${prefix}refresh_tokens (hash ${hash} NOT NULL PRIMARY KEY, session_id ${id} NOT NULL, issued_at ${time} NOT NULL,
  expires_at ${time} NOT NULL, spent_at ${time} NULL, successor_hash ${hash} NULL, sealed_successor ${id} NULL)${engine}`,
    `CREATE TABLE ${prefix}schema_version (version INTEGER NOT NULL)${engine}`,
    `INSERT INTO ${prefix}schema_version (version) VALUES (1)`,
  ];
}

/** Stores a 0.1 session with one unspent token, straight into the tables; returns the token. */
async function insertVersion1Session(client: SqlClient, prefix: string, sessionId: string, subject: string): Promise<string> {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const now = Date.now();
  const marks = (count: number) => Array.from({ length: count }, (_, index) => (client.dialect === "postgres" ? `$${index + 1}` : "?")).join(", ");
  await client.query(`INSERT INTO ${prefix}sessions (id, subject, claims, metadata, created_at, last_used_at, expires_at, revoked_at) VALUES (${marks(8)})`, [
    sessionId, subject, JSON.stringify({ role: "admin" }), "{}", now, now, now + 86_400_000, null,
  ]);
  await client.query(`INSERT INTO ${prefix}refresh_tokens (hash, session_id, issued_at, expires_at, spent_at, successor_hash, sealed_successor) VALUES (${marks(7)})`, [
    hashRefreshToken(token), sessionId, now, now + 3_600_000, null, null, null,
  ]);
  return token;
}

const DATABASES: [string, DatabaseOpener][] = [
  ["PostgreSQL", openPostgres],
  ["MariaDB", openMariadb],
  ["SQLite", openSqliteMemory],
];

for (const [name, open] of DATABASES) {
  const database = await openOrSkip(open);
  describe.skipIf(!database)(`${name}: migrate() upgrades a tokenwise 0.1 database`, () => {
    const db = database as TestDatabase;
    const prefix = uniquePrefix();
    afterAll(async () => {
      for (const table of ["sessions", "refresh_tokens", "schema_version"]) await db.client.query(`DROP TABLE IF EXISTS ${prefix}${table}`, []);
      await db.close();
    });

    it("keeps every session, which still refreshes and stays unbound; new sessions are bound", async () => {
      for (const statement of schemaVersion1(db.client.dialect, prefix)) await db.client.query(statement, []);
      const oldTokens = [
        await insertVersion1Session(db.client, prefix, "legacy-1", "alice"),
        await insertVersion1Session(db.client, prefix, "legacy-2", "bob"),
      ];

      const store = new SqlRefreshTokenStore({ client: db.client, tablePrefix: prefix });
      await store.migrate();
      await store.migrate();
      const { rows } = await db.client.query(`SELECT MAX(version) AS version FROM ${prefix}schema_version`, []);
      expect(Number(rows[0]?.version)).toBe(SCHEMA_VERSION);

      const tokens = new TokenManager({ issuer: "https://upgraded.test", audience: "api", signingKeys: [{ alg: "HS256", secret: new Uint8Array(32).fill(5) }], store });
      for (const [index, token] of oldTokens.entries()) {
        const next = await tokens.refresh(token);
        expect(next.sessionId).toBe(`legacy-${index + 1}`);
        await expect(tokens.verifyAccessToken(next.accessToken)).resolves.toMatchObject({ role: "admin" });
        await expect(tokens.refresh(next.refreshToken)).resolves.toMatchObject({ sessionId: next.sessionId });
      }
      expect(await store.findSession("legacy-1")).toMatchObject({ subject: "alice", issuer: null, audience: null, revokedAt: null });
      const fresh = await tokens.issue({ subject: "alice" });
      expect(await store.findSession(fresh.sessionId)).toMatchObject({ issuer: "https://upgraded.test", audience: "api" });
      expect((await tokens.listSessions("alice")).map((session) => session.id)).toEqual(["legacy-1", fresh.sessionId]);
    });
  });
}
