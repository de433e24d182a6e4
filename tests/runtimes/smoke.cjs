// CommonJS consumers: require() of every entry point, then a token round trip.
const { cryptoBackend, generateSigningKey, MemoryRefreshTokenStore, TokenManager } = require("tokenwise");
const http = require("tokenwise/http");
const sql = require("tokenwise/sql");
const redis = require("tokenwise/redis");
const client = require("tokenwise/client");
const testing = require("tokenwise/testing");

(async () => {
  console.log(`crypto backend: ${cryptoBackend}`);
  const tokens = new TokenManager({ issuer: "https://smoke.test", audience: "api", signingKeys: [await generateSigningKey("EdDSA")], store: new MemoryRefreshTokenStore() });
  const pair = await tokens.issue({ subject: "cjs" });
  const claims = await tokens.verifyAccessToken(pair.accessToken);
  const entries = [http.requireAuth, sql.SqlRefreshTokenStore, redis.RedisRefreshTokenStore, client.TokenClient, testing.runStoreConformance];
  const ok = claims.sub === "cjs" && entries.every((entry) => typeof entry === "function");
  console.log(ok ? "ok - require() of every entry point, token round trip" : "not ok - require()");
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  process.exit(ok ? 0 : 1);
})().catch((error) => {
  console.log(`not ok - require(): ${error.stack}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
