import { MemoryTokenStorage, TokenClient, type RefreshFunction, type StoredTokens } from "tokenwise/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { installTabs } from "../support/fake-tabs.js";
import { until } from "../support/until.js";

const API = "https://app.example.test";
let clients: TokenClient[] = [];
afterEach(() => {
  for (const client of clients) client.close();
  clients = [];
  vi.unstubAllGlobals();
});

/**
 * The browser side of an `HttpOnly` refresh cookie: `refresh` is called with "cookie" and answers
 * as the server would for the cookie the browser holds (`session`: a live one; `null`: none).
 */
function cookieSession() {
  const state = { session: true as boolean, failing: false, calls: [] as string[], issued: 0 };
  const refresh: RefreshFunction = Object.assign(
    async (refreshToken: string): Promise<StoredTokens | null> => {
      state.calls.push(refreshToken);
      if (state.failing) throw new Error("offline");
      return state.session ? { accessToken: `access-${++state.issued}`, refreshToken, expiresAt: Date.now() + 900_000 } : null;
    },
    { url: `${API}/auth/refresh` },
  );
  return { state, refresh };
}

function reloadedPage(refresh: RefreshFunction, options: { crossTab?: string } = {}) {
  const sent: (string | null)[] = [];
  const expired: string[] = [];
  const storage = new MemoryTokenStorage(); // a reload left nothing in memory
  const client = new TokenClient({
    refresh,
    refreshCookie: true,
    storage,
    onSessionExpired: () => expired.push("expired"),
    fetch: async (input) => (sent.push(new Request(input).headers.get("authorization")), new Response("ok")),
    ...options,
  });
  clients.push(client);
  return { client, sent, expired, storage };
}

describe("cookie-mode bootstrap (refreshCookie)", () => {
  it("after a reload, the first call refreshes once with the cookie and sends the new access token", async () => {
    const { state, refresh } = cookieSession();
    const { client, sent } = reloadedPage(refresh);
    await Promise.all([client.fetch(`${API}/orders`), client.fetch(`${API}/cart`)]);
    await client.fetch(`${API}/orders`);
    expect(state.calls).toEqual(["cookie"]);
    expect(sent).toEqual(["Bearer access-1", "Bearer access-1", "Bearer access-1"]);
  });

  it("restore() with no cookie session resolves null and calls onSessionExpired once; later calls do not try again", async () => {
    const { state, refresh } = cookieSession();
    state.session = false;
    const { client, sent, expired } = reloadedPage(refresh);
    expect(await client.restore()).toBeNull();
    await client.fetch(`${API}/orders`);
    expect(await client.restore()).toBeNull();
    expect(state.calls).toEqual(["cookie"]);
    expect(expired).toEqual(["expired"]);
    expect(sent).toEqual([null]);
  });

  it("a restore that fails on the network rejects and is tried again by the next call", async () => {
    const { state, refresh } = cookieSession();
    state.failing = true;
    const { client, expired } = reloadedPage(refresh);
    await expect(client.restore()).rejects.toThrow(/offline/);
    state.failing = false;
    expect((await client.restore())?.accessToken).toBe("access-1");
    expect(expired).toEqual([]);
  });

  it("without refreshCookie a client with no tokens sends its calls without a token and refreshes nothing", async () => {
    const { state, refresh } = cookieSession();
    const client = new TokenClient({ refresh, fetch: async () => new Response("ok") });
    clients.push(client);
    expect(await client.restore()).toBeNull();
    await client.fetch(`${API}/orders`);
    expect(state.calls).toEqual([]);
  });

  it("tells the other tabs nothing before it has real tokens: a failed restore leaves their session alone", async () => {
    const { channels } = installTabs();
    const { state, refresh } = cookieSession();
    const other = reloadedPage(refresh, { crossTab: "shop" });
    await other.client.setTokens({ accessToken: "access-0", refreshToken: "cookie", expiresAt: Date.now() + 900_000 });
    const posted = channels.posted.length;
    state.session = false;
    const reloaded = reloadedPage(refresh, { crossTab: "shop" });
    expect(await reloaded.client.restore()).toBeNull();
    expect(channels.posted.length).toBe(posted);
    expect(other.storage.get()?.accessToken).toBe("access-0");
    expect(other.expired).toEqual([]);
  });

  it("shares the restored tokens with the other tabs", async () => {
    const { channels } = installTabs();
    const { refresh } = cookieSession();
    const other = reloadedPage(refresh, { crossTab: "shop" });
    await other.client.setTokens({ accessToken: "access-0", refreshToken: "cookie", expiresAt: Date.now() + 900_000 });
    const reloaded = reloadedPage(refresh, { crossTab: "shop" });
    expect((await reloaded.client.restore())?.accessToken).toBe("access-1");
    await until(async () => other.storage.get()?.accessToken === "access-1", "the other tab holds the restored tokens");
    expect(channels.posted.slice(-1)).toEqual([{ tokens: expect.objectContaining({ accessToken: "access-1" }) }]);
  });
});
