// Serves the Hono example (examples/hono/app.ts) with the runtime's own server (serve.mjs) on
// 127.0.0.1, and calls it: login, protected route, cookie refresh, protected route.
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { createApp } from "./examples/hono/app.ts";
import { runtimeName, serve } from "./serve.mjs";

const tokens = new TokenManager({ issuer: "http://127.0.0.1", audience: "api", signingKeys: [await generateSigningKey("EdDSA")], store: new MemoryRefreshTokenStore() });
const app = createApp(tokens);
const server = await serve(app.fetch);
const url = server.url;

let failed = 0;
try {
  const login = await fetch(`${url}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "ada", password: "correct horse battery staple" }) });
  const { access_token: accessToken } = await login.json();
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
  const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  const refreshed = await fetch(`${url}/auth/refresh`, { method: "POST", headers: { cookie } });
  const { access_token: nextToken } = await refreshed.json();
  const again = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${nextToken}` } });
  const ok = login.status === 200 && cookie.startsWith("refresh_token=") && me.status === 200 && refreshed.status === 200 && again.status === 200;
  if (!ok) failed = 1;
  console.log(`${ok ? "ok" : "not ok"} - Hono example served by ${runtimeName}: login ${login.status}, /api/me ${me.status}, refresh ${refreshed.status}, /api/me ${again.status}`);
} catch (error) {
  failed = 1;
  console.log(`not ok - Hono example served by ${runtimeName}: ${error?.stack ?? error}`);
} finally {
  await server.close();
}
console.log(`${1 - failed} passed, ${failed} failed`);
if (failed) process.exit(1);
