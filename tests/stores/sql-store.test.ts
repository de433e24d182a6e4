import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { SCHEMA_VERSION, schemaStatements, SqlRefreshTokenStore, wrapPgPool, wrapSqliteDatabase } from "tokenwise/sql";
import { afterAll, describe, expect, it } from "vitest";
import { openOrSkip, openPostgres, openStore, uniquePrefix, type TestDatabase } from "./databases.js";

const sqlite = () => wrapSqliteDatabase(new Database(":memory:"));

describe("table prefix", () => {
  it.each(["", "Auth_", "1abc", "a-b", "x; DROP TABLE users; --", "a".repeat(32), "tw prefix"])(
    "refuses %j with invalid_config naming tablePrefix",
    (tablePrefix) => {
      expect(() => new SqlRefreshTokenStore({ client: sqlite(), tablePrefix })).toThrow(
        expect.objectContaining({ code: "invalid_config", option: "tablePrefix" }),
      );
    },
  );

  it("names every table and index after the prefix", () => {
    for (const dialect of ["postgres", "mysql", "sqlite"] as const) {
      const ddl = schemaStatements(dialect, "auth_").join("\n");
      expect(ddl).toContain("auth_sessions");
      expect(ddl).toContain("auth_refresh_tokens");
      expect(ddl).toContain("auth_schema_version");
      expect(ddl.match(/INDEX (?:IF NOT EXISTS )?(\w+)/g)?.every((index) => index.includes("auth_"))).toBe(true);
    }
  });

  it("declares binary collations on MySQL so lookups never match case-insensitively", () => {
    const ddl = schemaStatements("mysql", "auth_").join("\n");
    expect(ddl).toMatch(/hash CHAR\(64\) CHARACTER SET ascii COLLATE ascii_bin/);
    expect(ddl).toMatch(/subject VARCHAR\(255\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin/);
  });
});

describe("migrate", () => {
  it("is idempotent and records the schema version once", async () => {
    const client = sqlite();
    const store = new SqlRefreshTokenStore({ client });
    await store.migrate();
    await store.migrate();
    const { rows } = await client.query("SELECT version FROM tokenwise_schema_version", []);
    expect(rows).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it("refuses a database whose schema is newer than this release", async () => {
    const client = sqlite();
    const store = new SqlRefreshTokenStore({ client });
    await store.migrate();
    await client.query("INSERT INTO tokenwise_schema_version (version) VALUES (?)", [SCHEMA_VERSION + 1]);
    await expect(store.migrate()).rejects.toMatchObject({ code: "store_error", message: expect.stringContaining(`schema is version ${SCHEMA_VERSION + 1}`) });
  });
});

describe("driver failures", () => {
  it("surface as store_error with the driver's error as cause", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port: 1, user: "nobody", connectionTimeoutMillis: 2000 });
    const store = new SqlRefreshTokenStore({ client: wrapPgPool(pool) });
    try {
      const error = await store.findToken("0".repeat(64)).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "store_error", status: 503, message: expect.stringContaining("findToken") });
      expect((error as Error).cause).toBeInstanceOf(Error);
      await expect(store.migrate()).rejects.toMatchObject({ code: "store_error" });
    } finally {
      await pool.end();
    }
  });

  it("a createSession that fails half-way leaves no session behind", async () => {
    const client = sqlite();
    const store = new SqlRefreshTokenStore({ client });
    await store.migrate();
    await client.query("DROP TABLE tokenwise_refresh_tokens", []);
    const session = {
      id: "s1",
      subject: "u",
      claims: {},
      metadata: {},
      createdAt: new Date(0),
      lastUsedAt: new Date(0),
      expiresAt: new Date(1e12),
      revokedAt: null,
      issuer: "https://issuer.test",
      audience: "api",
    };
    const token = { hash: "a".repeat(64), sessionId: "s1", issuedAt: new Date(0), expiresAt: new Date(1e12), spentAt: null, successorHash: null, sealedSuccessor: null };
    await expect(store.createSession(session, token)).rejects.toMatchObject({ code: "store_error" });
    expect(await store.findSession("s1")).toBeNull();
  });
});

const postgres = await openOrSkip(openPostgres);
describe.skipIf(!postgres)("PostgreSQL under a locale's collation", () => {
  const database = postgres as TestDatabase;
  afterAll(() => database.close());

  it("breaks createdAt ties by id byte by byte, listing and evicting", async () => {
    const { rows } = await database.client.query("SELECT collname FROM pg_collation WHERE collname IN ('en-x-icu', 'en_US.utf8', 'en_US') ORDER BY collname LIMIT 1", []);
    const collation = String(rows[0]?.collname ?? "en-x-icu");
    const prefix = uniquePrefix();
    const store = await openStore(database, prefix);
    await database.client.query(`ALTER TABLE ${prefix}sessions ALTER COLUMN id TYPE VARCHAR(64) COLLATE "${collation}"`, []);
    const at = new Date(Date.UTC(2030, 0, 1));
    const session = (id: string) => ({ id, subject: "tied", claims: {}, metadata: {}, createdAt: at, lastUsedAt: at, expiresAt: new Date(at.getTime() + 3_600_000), revokedAt: null, issuer: null, audience: null });
    const token = (sessionId: string) => ({ hash: createHash("sha256").update(sessionId).digest("hex"), sessionId, issuedAt: at, expiresAt: new Date(at.getTime() + 60_000), spentAt: null, successorHash: null, sealedSuccessor: null });
    for (const id of ["tie-a", "tie_Z", "tie-_", "tie-Z"]) await store.createSession(session(id), token(id));
    expect((await store.listSessions("tied", at)).map((listed) => listed.id)).toEqual(["tie-Z", "tie-_", "tie-a", "tie_Z"]);
    expect(await store.createSession(session("tie-b"), token("tie-b"), { maxActiveSessions: 2 })).toEqual(["tie-Z", "tie-_", "tie-a"]);
  });
});
