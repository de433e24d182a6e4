import { webTokenStorage, type StoredTokens } from "tokenwise/client";
import { requireAuth } from "tokenwise/http";
import { afterEach, describe, expect, it } from "vitest";
import { serve } from "../support/serve.js";
import { closeAll, closeLater, startApi } from "./api.js";

afterEach(closeAll);

async function loggedIn(options: { refreshMargin?: number; refreshFails?: () => number | null } = {}) {
  const api = await startApi({ ...(options.refreshFails ? { refreshFails: options.refreshFails } : {}) });
  const expired: string[] = [];
  const client = api.client(options.refreshMargin === undefined ? {} : { refreshMargin: options.refreshMargin }, expired);
  await client.setTokens(await api.login());
  return { ...api, client, expired };
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
    const echo = closeLater(
      await serve(async (request) => {
        const auth = await requireAuth(request, api.tokens);
        seen.push(await request.text());
        return auth.ok ? new Response("ok") : auth.response;
      }),
    );
    const client = api.client({ allowedOrigins: [echo.url] });
    const login = await api.login();
    await client.setTokens({ ...login, accessToken: "stale" });
    const response = await client.fetch(`${echo.url}/orders`, { method: "POST", body: '{"item":1}' });
    expect(response.status).toBe(200);
    expect(seen).toEqual(['{"item":1}', '{"item":1}']);
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
