import { TokenClient, type RefreshFunction, type StoredTokens, type TokenClientOptions } from "tokenwise/client";
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => vi.unstubAllGlobals());

const TOKENS: StoredTokens = { accessToken: "access", refreshToken: "refresh", expiresAt: Date.now() + 900_000 };

/** A client whose fetch records what each URL was sent, answering `status` (401 for URLs containing "401"). */
async function recordingClient(options: Partial<TokenClientOptions>) {
  const sent = new Map<string, string | null>();
  const refreshed: string[] = [];
  const refresh: RefreshFunction = async (token) => (refreshed.push(token), { ...TOKENS, accessToken: "renewed" });
  const client = new TokenClient({
    refresh,
    fetch: async (input) => {
      const request = new Request(input);
      sent.set(request.url, request.headers.get("authorization"));
      return new Response(null, { status: request.url.includes("401") ? 401 : 200 });
    },
    ...options,
  });
  await client.setTokens(TOKENS);
  return { client, sent, refreshed };
}

describe("where the access token goes", () => {
  it("to the refresh endpoint's origin by default, and to no other origin — nor does another origin's 401 cause a refresh", async () => {
    const refresh = Object.assign(async () => TOKENS, { url: "https://api.example.test/auth/refresh" });
    const { client, sent } = await recordingClient({ refresh });
    await client.fetch("https://api.example.test/orders");
    await client.fetch("https://api.example.test:8443/orders");
    await client.fetch("http://api.example.test/orders");
    await client.fetch("https://tracker.example.net/401");
    expect(Object.fromEntries(sent)).toEqual({
      "https://api.example.test/orders": "Bearer access",
      "https://api.example.test:8443/orders": null,
      "http://api.example.test/orders": null,
      "https://tracker.example.net/401": null,
    });
  });

  it("in a page, to the page's origin by default (relative URLs included)", async () => {
    vi.stubGlobal("location", { href: "https://shop.example.test/cart" });
    const { client, sent, refreshed } = await recordingClient({});
    await client.fetch(new URL("/api/orders", "https://shop.example.test"));
    await client.fetch("https://cdn.example.net/401");
    expect(Object.fromEntries(sent)).toEqual({ "https://shop.example.test/api/orders": "Bearer access", "https://cdn.example.net/401": null });
    expect(refreshed).toEqual([]);
  });

  it("to exactly the origins in allowedOrigins when given", async () => {
    vi.stubGlobal("location", { href: "https://shop.example.test/" });
    const { client, sent } = await recordingClient({ allowedOrigins: ["https://api.example.test", new URL("https://media.example.test/any/path")] });
    for (const url of ["https://api.example.test/a", "https://media.example.test/b", "https://shop.example.test/c"]) await client.fetch(url);
    expect([...sent.values()]).toEqual(["Bearer access", "Bearer access", null]);
  });

  it("refuses with invalid_config an entry that is not an http(s) origin, and a client with nowhere to send the token", () => {
    const refresh: RefreshFunction = async () => TOKENS;
    expect(() => new TokenClient({ refresh, allowedOrigins: ["javascript:alert(1)"] })).toThrow(expect.objectContaining({ code: "invalid_config", option: "allowedOrigins" }));
    expect(() => new TokenClient({ refresh, allowedOrigins: [] })).toThrow(expect.objectContaining({ code: "invalid_config", option: "allowedOrigins" }));
    // On Node, a custom refresh function names no URL and there is no page.
    expect(() => new TokenClient({ refresh })).toThrow(expect.objectContaining({ code: "invalid_config", option: "allowedOrigins" }));
  });
});
