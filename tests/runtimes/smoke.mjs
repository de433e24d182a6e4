// The same smoke suite on every runtime, against the packed tarball as a user installs it:
// issue → verify → refresh → reuse detected → revoke, per algorithm, on the memory store and on
// SQLite through the runtime's own driver, and on Redis through raw commands (Bun's built-in client,
// or a minimal RESP client). Prints "N passed, N failed"; exits 1 on failure.
import { cryptoBackend, generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { requireAuth } from "tokenwise/http";
import { RedisRefreshTokenStore } from "tokenwise/redis";
import { SqlRefreshTokenStore, wrapSqliteDatabase } from "tokenwise/sql";
import { connectRedis, deleteKeys } from "./redis-commands.mjs";
import { assert, check, fail, finish } from "./report.mjs";

async function codeOf(promise) {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error?.code ?? String(error);
  }
}

async function lifecycle(store, alg) {
  const tokens = new TokenManager({ issuer: "https://smoke.test", audience: "api", signingKeys: [await generateSigningKey(alg)], store, reuseGraceSeconds: 0 });
  const pair = await tokens.issue({ subject: "user-1", claims: { role: "admin" } });
  const claims = await tokens.verifyAccessToken(pair.accessToken);
  assert(claims.sub === "user-1" && claims.role === "admin", "verifyAccessToken returns the claims");
  const next = await tokens.refresh(pair.refreshToken);
  assert(next.refreshToken !== pair.refreshToken && next.sessionId === pair.sessionId, "refresh rotates within the session");
  assert((await codeOf(tokens.refresh(pair.refreshToken))) === "refresh_token_reused", "reusing a spent token is detected");
  assert((await codeOf(tokens.refresh(next.refreshToken))) === "session_revoked", "reuse revokes the session");
  const other = await tokens.issue({ subject: "user-1" });
  assert((await tokens.revoke(other.refreshToken)) === true, "revoke logs out");
  assert((await codeOf(tokens.refresh(other.refreshToken))) === "session_revoked", "a revoked session cannot refresh");
  const auth = await requireAuth(new Request("http://127.0.0.1/", { headers: { authorization: `Bearer ${other.accessToken}` } }), tokens);
  assert(auth.ok, "requireAuth accepts the access token");
  assert((await codeOf(tokens.verifyAccessToken("garbage"))) === "invalid_token", "garbage is invalid_token");
  // One signature character changed (in the middle, so the spelling stays canonical): the backend must refuse it.
  const [head, body, signature] = pair.accessToken.split(".");
  const middle = Math.floor(signature.length / 2);
  const tampered = `${head}.${body}.${signature.slice(0, middle)}${signature[middle] === "A" ? "B" : "A"}${signature.slice(middle + 1)}`;
  const refusal = await tokens.verifyAccessToken(tampered).catch((error) => error);
  assert(refusal?.code === "invalid_token" && refusal.message.includes("signature verification failed"), `a tampered signature is refused: ${refusal?.message}`);
}

/** SQLite through the runtime's own driver: bun:sqlite, or node:sqlite (Node ≥ 22.5, Deno). */
async function builtInSqlite() {
  if (globalThis.Bun) {
    const { Database } = await import("bun:sqlite");
    return { driver: "bun:sqlite", database: new Database(":memory:") };
  }
  try {
    const { DatabaseSync } = await import("node:sqlite");
    return { driver: "node:sqlite", database: new DatabaseSync(":memory:") };
  } catch {
    return null;
  }
}

// Deprecations the runtime reports while the suite runs (e.g. Node's DEP0204, KeyObject.from of a non-extractable CryptoKey).
const deprecations = [];
globalThis.process?.on?.("warning", (warning) => {
  if (warning.name === "DeprecationWarning") deprecations.push(`${warning.code}: ${warning.message}`);
});

// Which backend the package's #crypto-backend import condition chose here; the matrix prints it.
console.log(`crypto backend: ${cryptoBackend}`);
await check(`the crypto backend is one of the two: ${cryptoBackend}`, () => assert(["node:crypto", "web-crypto"].includes(cryptoBackend), `unknown backend ${cryptoBackend}`));

for (const alg of ["HS256", "EdDSA", "ES256", "RS256", "PS256"]) {
  await check(`memory store, ${alg}: issue, verify, refresh, reuse detected, revoke`, () => lifecycle(new MemoryRefreshTokenStore(), alg));
}

const sqlite = await builtInSqlite();
if (sqlite) {
  await check(`SQLite via ${sqlite.driver}, EdDSA: the same lifecycle`, async () => {
    const store = new SqlRefreshTokenStore({ client: wrapSqliteDatabase(sqlite.database) });
    await store.migrate();
    await lifecycle(store, "EdDSA");
  });
} else {
  console.log("skip - SQLite: this runtime has no built-in SQLite driver");
}

const redis = await connectRedis("127.0.0.1", 6379);
if (redis) {
  const keyPrefix = `smoke-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const client = {
    evalsha: (sha, keys, args) => redis.send(["EVALSHA", sha, keys.length, ...keys, ...args]),
    eval: (script, keys, args) => redis.send(["EVAL", script, keys.length, ...keys, ...args]),
  };
  await check(`Redis via ${redis.name}, EdDSA: the same lifecycle`, () => lifecycle(new RedisRefreshTokenStore({ client, keyPrefix }), "EdDSA"));
  await deleteKeys(redis, `{${keyPrefix}}:*`);
  redis.close();
} else if (globalThis.process?.env?.TOKENWISE_REQUIRE_SERVICES === "1") {
  fail("Redis: nothing answers at 127.0.0.1:6379, and TOKENWISE_REQUIRE_SERVICES=1 requires it");
} else {
  console.log("skip - Redis: nothing answers at 127.0.0.1:6379");
}

await check("the runtime reported no deprecation", () => assert(deprecations.length === 0, deprecations.join("; ")));

finish();
