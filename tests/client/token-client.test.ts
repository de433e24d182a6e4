import { httpRefresh, TokenClient, webTokenStorage, type StoredTokens } from "tokenwise/client";
import { readRefreshToken, requireAuth, tokenErrorResponse, tokenResponse } from "tokenwise/http";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type TestClock } from "../core/fixtures.js";
import { serve, type RunningServer } from "../support/serve.js";

/** A real API over HTTP: POST /login, POST /refresh (RFC 6749 JSON), GET /data (Bearer). */
async function startApi(options: { refreshFails?: () => number | null } = {}) {
  const harness = await createHarness();
  const server = await serve(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/login") return tokenResponse(await harness.tokens.issue({ subject: "u" }));
    if (pathname === "/refresh") {
      const status = options.refreshFails?.();
      if (status) return new Response("{}", { status });
      try {
        return tokenResponse(await harness.tokens.refresh(await readRefreshToken(request)));
      } catch (error) {
        return tokenErrorResponse(error);
      }
    }
    const auth = await requireAuth(request, harness.tokens);
    return auth.ok ? Response.json({ sub: auth.claims.sub }) : auth.response;
  });
  return { ...harness, server };
}

let running: RunningServer[] = [];
let clients: TokenClient[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  await Promise.all(running.map((server) => server.close()));
  running = [];
  clients = [];
});

async function loggedIn(options: { refreshMargin?: number; refreshFails?: () => number | null; crossTab?: string } = {}) {
  const api = await startApi(options);
  running.push(api.server);
  const expired: string[] = [];
  const client = makeClient(api.server.url, api.clock, expired, options);
  const body = (await (await fetch(`${api.server.url}/login`, { method: "POST" })).json()) as Record<string, string | number>;
  await client.setTokens({
    accessToken: String(body.access_token),
    refreshToken: String(body.refresh_token),
    expiresAt: api.clock.now().getTime() + Number(body.expires_in) * 1000,
  });
  return { ...api, client, expired };
}

function makeClient(url: string, clock: TestClock, expired: string[], options: { refreshMargin?: number; crossTab?: string } = {}): TokenClient {
  const client = new TokenClient({
    refresh: httpRefresh({ url: `${url}/refresh`, now: () => clock.now().getTime() }),
    onSessionExpired: () => expired.push("expired"),
    now: () => clock.now().getTime(),
    ...options,
  });
  clients.push(client);
  return client;
}

describe("TokenClient.fetch", () => {
  it("sends the access token as a Bearer credential", async () => {
    const { client, server } = await loggedIn();
    const response = await client.fetch(`${server.url}/data`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: "u" });
    expect(server.hits.get("POST /refresh")).toBeUndefined();
  });

  it("refreshes before the request when the token is within the margin of expiry", async () => {
    const { client, server, clock } = await loggedIn({ refreshMargin: 120 });
    clock.advance(900 - 119);
    expect((await client.fetch(`${server.url}/data`)).status).toBe(200);
    expect(server.hits.get("POST /refresh")).toBe(1);
    expect(server.hits.get("GET /data")).toBe(1);
  });

  it("on a 401 refreshes once and retries once", async () => {
    const { client, server, tokens } = await loggedIn();
    const current = (await client.getTokens()) as StoredTokens;
    await client.setTokens({ ...current, accessToken: "revoked-or-garbage" });
    expect((await client.fetch(`${server.url}/data`)).status).toBe(200);
    expect(server.hits.get("GET /data")).toBe(2);
    expect(server.hits.get("POST /refresh")).toBe(1);
    expect(tokens).toBeDefined();
  });

  it("does not loop: a 401 after the retry is returned as is", async () => {
    const { client, server, tokens } = await loggedIn();
    await tokens.revokeAllSessions("u");
    const current = (await client.getTokens()) as StoredTokens;
    await client.setTokens({ ...current, accessToken: "garbage" });
    const response = await client.fetch(`${server.url}/data`);
    expect(response.status).toBe(401);
    expect(server.hits.get("POST /refresh")).toBe(1);
    expect(server.hits.get("GET /data")).toBe(1);
  });

  it("when the refresh is refused, clears the tokens, calls onSessionExpired once and returns the 401", async () => {
    const { client, server, expired } = await loggedIn({ refreshFails: () => 401 });
    const current = (await client.getTokens()) as StoredTokens;
    await client.setTokens({ ...current, accessToken: "garbage" });
    expect((await client.fetch(`${server.url}/data`)).status).toBe(401);
    expect(expired).toEqual(["expired"]);
    expect(await client.getTokens()).toBeNull();
  });

  it("keeps the tokens when the refresh fails transiently, and rejects", async () => {
    let failing = true;
    const { client, server, clock, expired } = await loggedIn({ refreshFails: () => (failing ? 503 : null) });
    clock.advance(900);
    await expect(client.fetch(`${server.url}/data`)).rejects.toThrow(/503/);
    expect(expired).toEqual([]);
    failing = false;
    // Still holding the refresh token: the next call refreshes and succeeds.
    expect((await client.fetch(`${server.url}/data`)).status).toBe(200);
    expect(server.hits.get("POST /refresh")).toBe(2);
  });

  it("makes 20 concurrent calls with an expired token cause exactly one refresh request", async () => {
    const { client, server, clock } = await loggedIn();
    clock.advance(3600);
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.fetch(`${server.url}/data`)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(server.hits.get("POST /refresh")).toBe(1);
  });

  it("collapses concurrent 401-triggered refreshes into one when the client's clock does not know", async () => {
    const { client, server } = await loggedIn();
    const current = (await client.getTokens()) as StoredTokens;
    await client.setTokens({ ...current, accessToken: "stale" });
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.fetch(`${server.url}/data`)));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(server.hits.get("POST /refresh")).toBe(1);
  });

  it("resends a request body on the retry", async () => {
    const seen: string[] = [];
    const api = await startApi();
    running.push(api.server);
    const echo = await serve(async (request) => {
      const auth = await requireAuth(request, api.tokens);
      seen.push(await request.text());
      return auth.ok ? new Response("ok") : auth.response;
    });
    running.push(echo);
    const client = makeClient(api.server.url, api.clock, []);
    const login = (await (await fetch(`${api.server.url}/login`, { method: "POST" })).json()) as Record<string, string>;
    await client.setTokens({ accessToken: "stale", refreshToken: String(login.refresh_token), expiresAt: api.clock.now().getTime() + 900_000 });
    const response = await client.fetch(`${echo.url}/orders`, { method: "POST", body: '{"item":1}' });
    expect(response.status).toBe(200);
    expect(seen).toEqual(['{"item":1}', '{"item":1}']);
  });
});

describe("across tabs", () => {
  it("shares new tokens with other clients of the same name, so they do not refresh again", async () => {
    const { client, server, clock } = await loggedIn({ crossTab: "shop" });
    const otherTab = makeClient(server.url, clock, [], { crossTab: "shop" });
    await otherTab.setTokens((await client.getTokens()) as StoredTokens);
    clock.advance(3600);
    expect((await client.fetch(`${server.url}/data`)).status).toBe(200);
    const shared = (await client.getTokens()) as StoredTokens;
    for (let i = 0; i < 100 && (await otherTab.getTokens())?.refreshToken !== shared.refreshToken; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await otherTab.fetch(`${server.url}/data`)).status).toBe(200);
    expect(server.hits.get("POST /refresh")).toBe(1);
  });
});

describe("httpRefresh", () => {
  it("speaks seed-style shapes: token in the Authorization header, custom field names, expiry from the JWT", async () => {
    const seen: string[] = [];
    const server = await serve(async (request) => {
      seen.push(request.headers.get("authorization") ?? "");
      return Response.json({ token: "aaa.eyJleHAiOjE3MDAwMDAwMDB9.sig" });
    });
    running.push(server);
    const refresh = httpRefresh({ url: `${server.url}/refresh_token`, send: "authorization", fields: { accessToken: "token" } });
    expect(await refresh("rt-1")).toEqual({ accessToken: "aaa.eyJleHAiOjE3MDAwMDAwMDB9.sig", refreshToken: "rt-1", expiresAt: 1_700_000_000_000 });
    expect(seen).toEqual(["Bearer rt-1"]);
  });

  it("sends an RFC 6749 form body when asked", async () => {
    const bodies: string[] = [];
    const server = await serve(async (request) => {
      bodies.push(await request.text());
      return Response.json({ access_token: "a", refresh_token: "r2", expires_in: 60 });
    });
    running.push(server);
    const tokens = await httpRefresh({ url: server.url, send: "form", now: () => 1000 })("r1");
    expect(bodies).toEqual(["grant_type=refresh_token&refresh_token=r1"]);
    expect(tokens).toEqual({ accessToken: "a", refreshToken: "r2", expiresAt: 61_000 });
  });
});

describe("webTokenStorage", () => {
  it("round-trips tokens through a Storage area and ignores corrupt entries", () => {
    const area = new Map<string, string>();
    const storage = webTokenStorage({
      getItem: (key) => area.get(key) ?? null,
      setItem: (key, value) => void area.set(key, value),
      removeItem: (key) => void area.delete(key),
    });
    const tokens = { accessToken: "a", refreshToken: "r", expiresAt: 5 };
    storage.set(tokens);
    expect(storage.get()).toEqual(tokens);
    area.set("tokenwise.tokens", "{corrupt");
    expect(storage.get()).toBeNull();
    storage.set(null);
    expect(area.size).toBe(0);
  });
});
