import { expiryOf, httpRefresh, TokenClient } from "tokenwise/client";
import { afterEach, describe, expect, it } from "vitest";
import { createSeed000App } from "../../examples/seed-000/app.js";
import { TestClock } from "../core/fixtures.js";
import { serve, type RunningServer } from "../support/serve.js";

let server: RunningServer | undefined;
afterEach(() => server?.close());

async function start() {
  const serverClock = new TestClock();
  const app = await createSeed000App({ now: serverClock.now });
  server = await serve(app.fetch);
  const expired: string[] = [];
  const client = new TokenClient({
    refresh: httpRefresh({ url: `${server.url}/refresh_token`, send: "authorization" }),
    onSessionExpired: () => expired.push("login again"),
    refreshMargin: 0,
    now: () => Date.UTC(2026, 0, 1), // the client's clock does not see the expiry: the 401 path
  });
  const login = async () => {
    const response = await fetch(`${server?.url}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=ada%40example.com&password=correct+horse+battery+staple",
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { app, client, serverClock, expired, login, url: server.url };
}

describe("seed 000 API end to end", () => {
  it("POST /token answers with the seed's body", async () => {
    const { login } = await start();
    const { status, body } = await login();
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["access_token", "email", "refresh_token", "role", "token_type"]);
    expect(body).toMatchObject({ email: "ada@example.com", role: ["admin"], token_type: "bearer" });
  });

  it("refuses a wrong password with 401", async () => {
    const { url } = await start();
    const response = await fetch(`${url}/token`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"email":"ada@example.com","password":"nope"}' });
    expect(response.status).toBe(401);
  });

  it("walks the example flow: call, expiry and 401, refresh from the Authorization header, retry, logout, refused", async () => {
    const { client, serverClock, expired, login, url, app } = await start();
    const { body } = await login();
    await client.setTokens({ accessToken: String(body.access_token), refreshToken: String(body.refresh_token), expiresAt: expiryOf(String(body.access_token)) });
    expect(await (await client.fetch(`${url}/users/me`)).json()).toEqual({ email: "ada@example.com", role: ["admin"] });

    serverClock.advance(15 * 60 + 10);
    const resumed = await client.fetch(`${url}/users/me`);
    expect(resumed.status).toBe(200);
    expect(server?.hits.get("GET /users/me")).toBe(3); // ok, 401, retried ok
    expect(server?.hits.get("POST /refresh_token")).toBe(1);
    expect((await client.getTokens())?.refreshToken).toBe(body.refresh_token); // one token per email, reused

    const logout = await fetch(`${url}/logout`, { method: "POST", headers: { authorization: `Bearer ${body.refresh_token}` } });
    expect(logout.status).toBe(204);
    serverClock.advance(15 * 60 + 10);
    expect((await client.fetch(`${url}/users/me`)).status).toBe(401);
    expect(expired).toEqual(["login again"]);
    expect(await app.tokens.listSessions("ada@example.com")).toEqual([]);
  });

  it("a new login replaces the stored refresh token; the old one is refused", async () => {
    const { login, url } = await start();
    const first = (await login()).body;
    const second = (await login()).body;
    const refresh = (token: unknown) => fetch(`${url}/refresh_token`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect((await refresh(first.refresh_token)).status).toBe(401);
    expect((await refresh(second.refresh_token)).status).toBe(200);
  });

  it("after 7 days the refresh token expires and the user must log in again", async () => {
    const { login, url, serverClock } = await start();
    const { body } = await login();
    serverClock.advance(7 * 86_400);
    const response = await fetch(`${url}/refresh_token`, { method: "POST", headers: { authorization: `Bearer ${body.refresh_token}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });
});
