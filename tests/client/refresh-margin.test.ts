import { TokenClient, type RefreshFunction, type StoredTokens } from "tokenwise/client";
import { describe, expect, it } from "vitest";

/** A client on a hand-moved clock whose refresh hands out tokens living `ttlSeconds`. */
function clientWith(ttlSeconds: number, refreshMargin?: number) {
  let now = 1_000_000;
  const issued = (): StoredTokens => ({ accessToken: `access-${now}`, refreshToken: "refresh", expiresAt: now + ttlSeconds * 1000 });
  let refreshes = 0;
  const refresh: RefreshFunction = Object.assign(async () => (refreshes++, issued()), { url: "https://api.example.test/refresh" });
  const client = new TokenClient({ refresh, now: () => now, fetch: async () => new Response("ok"), ...(refreshMargin === undefined ? {} : { refreshMargin }) });
  return {
    client,
    login: () => client.setTokens(issued()),
    advance: (seconds: number) => void (now += seconds * 1000),
    refreshes: () => refreshes,
  };
}

describe("refreshMargin", () => {
  it("is capped at half the token's lifetime: with a 3 s token and the default 60 s margin, calls in the first half use it", async () => {
    const { client, login, advance, refreshes } = clientWith(3);
    await login();
    for (let i = 0; i < 3; i++) {
      await client.fetch("https://api.example.test/data");
      advance(0.5);
    }
    expect(refreshes()).toBe(0);
    advance(0.1); // 1.6 s of 3 s: past half
    await client.fetch("https://api.example.test/data");
    expect(refreshes()).toBe(1);
    // And the renewed token gets its own first half.
    await client.fetch("https://api.example.test/data");
    expect(refreshes()).toBe(1);
  });

  it("applies as configured when shorter than half the lifetime", async () => {
    const { client, login, advance, refreshes } = clientWith(900, 120);
    await login();
    advance(900 - 121);
    await client.fetch("https://api.example.test/data");
    expect(refreshes()).toBe(0);
    advance(2);
    await client.fetch("https://api.example.test/data");
    expect(refreshes()).toBe(1);
  });
});
