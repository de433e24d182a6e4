import { httpRefresh, MemoryTokenStorage, TokenClient, type RefreshFunction } from "tokenwise/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { installTabs, type Channels, type FakeLockManager } from "../support/fake-tabs.js";
import { until } from "../support/until.js";
import { closeAll, startApi, type Api, type ApiOptions } from "./api.js";

let locks: FakeLockManager;
let channels: Channels;
beforeEach(() => ({ locks, channels } = installTabs()));
afterEach(async () => {
  await closeAll();
  vi.unstubAllGlobals();
});

interface Tab {
  client: TokenClient;
  storage: MemoryTokenStorage;
  expired: string[];
}

/** A refresh function that logs the refresh tokens it presents. */
function presenting(api: Api, presented: string[]): RefreshFunction {
  const refresh = httpRefresh({ url: `${api.server.url}/refresh`, now: () => api.clock.now().getTime() });
  return Object.assign((token: string, options?: { signal?: AbortSignal }) => (presented.push(token), refresh(token, options)), { url: refresh.url });
}

/** `count` tabs of one origin, the first logged in, all holding its tokens. */
async function openTabs(count: number, options: ApiOptions = {}, tabOptions: { refreshTimeout?: number; lockTimeout?: number } = {}) {
  const api = await startApi({ manager: { reuseGraceSeconds: 0 }, ...options });
  const presented: string[] = [];
  const tabs: Tab[] = Array.from({ length: count }, () => {
    const storage = new MemoryTokenStorage();
    const expired: string[] = [];
    return { client: api.client({ crossTab: "shop", storage, refresh: presenting(api, presented), ...tabOptions }, expired), storage, expired };
  });
  const login = await api.login();
  await tabs[0]?.client.setTokens(login);
  await everyTabHolds(tabs, login.accessToken);
  return { api, tabs, presented, login };
}

async function everyTabHolds(tabs: Tab[], accessToken: string | null): Promise<void> {
  await until(async () => (await Promise.all(tabs.map((tab) => tab.storage.get()))).every((tokens) => (tokens?.accessToken ?? null) === accessToken), `every tab holds ${accessToken}`);
}

const data = (api: Api, tab: Tab): Promise<number> => tab.client.fetch(`${api.server.url}/data`).then((response) => response.status);

describe("across tabs (crossTab)", () => {
  it("N tabs that find the token expired at once make exactly one refresh request, round after round, and all end with the new tokens", async () => {
    const { api, tabs, presented } = await openTabs(4);
    for (let round = 1; round <= 10; round++) {
      api.clock.advance(910);
      const statuses = await Promise.all(tabs.flatMap((tab) => Array.from({ length: 5 }, () => data(api, tab))));
      expect(statuses, `round ${round}`).toEqual(Array(20).fill(200));
      expect(api.refreshes(), `round ${round}`).toBe(round);
      const held = await Promise.all(tabs.map((tab) => tab.storage.get()));
      expect(new Set(held.map((tokens) => tokens?.accessToken)).size, `round ${round}`).toBe(1);
    }
    expect(new Set(presented).size).toBe(presented.length);
    expect(api.events.filter((event) => event.type === "reuse_detected")).toEqual([]);
    expect(tabs.map((tab) => tab.expired)).toEqual([[], [], [], []]);
  });

  it("a tab that takes the lock before the other tab's tokens reach it waits for them instead of presenting its spent refresh token", async () => {
    const { api, tabs, presented } = await openTabs(2);
    const [first, second] = tabs as [Tab, Tab];
    api.clock.advance(910);
    channels.hold();
    const firstCall = data(api, first);
    // The second tab queues for the lock while the first refreshes, and gets it before any message.
    const secondCall = data(api, second);
    await until(async () => api.refreshes() === 1 && (await first.storage.get())?.accessToken !== (await second.storage.get())?.accessToken, "the first tab refreshed");
    await expect(firstCall).resolves.toBe(200);
    channels.release();
    await expect(secondCall).resolves.toBe(200);
    expect(presented).toHaveLength(1);
    expect(api.events.filter((event) => event.type === "reuse_detected")).toEqual([]);
  });

  it("a tab whose tokens another tab replaced, and that never hears the new ones, fails with refresh_failed (cross_tab) rather than spend its own", async () => {
    const { api, tabs, presented, login } = await openTabs(1, {}, { refreshTimeout: 1 });
    // A tab opened with the old tokens in hand (e.g. its messages were lost) after the first refreshed.
    api.clock.advance(910);
    expect(await data(api, tabs[0] as Tab)).toBe(200);
    const storage = new MemoryTokenStorage();
    storage.set(login);
    const late = api.client({ crossTab: "shop", storage, refreshTimeout: 1 });
    await expect(late.getTokens()).rejects.toMatchObject({ code: "refresh_failed", reason: "cross_tab" });
    expect(presented).toEqual([login.refreshToken]);
    expect(api.refreshes()).toBe(1);
    expect(storage.get()).toEqual(login);
  });

  it("clear() in one tab: the others forget the tokens and call onSessionExpired once each; this tab does not call it", async () => {
    const { api, tabs } = await openTabs(3);
    const [first] = tabs as [Tab];
    await first.client.clear();
    await everyTabHolds(tabs, null);
    expect(tabs.map((tab) => tab.expired)).toEqual([[], ["expired"], ["expired"]]);
    // Later calls go out without a token and end nothing again.
    expect(await Promise.all(tabs.map((tab) => data(api, tab)))).toEqual([401, 401, 401]);
    expect(tabs.map((tab) => tab.expired)).toEqual([[], ["expired"], ["expired"]]);
    expect(api.refreshes()).toBe(0);
  });

  it("a refused refresh ends the session in every tab: one request, onSessionExpired exactly once per tab", async () => {
    let refuse = false;
    const { api, tabs } = await openTabs(3, { refreshFails: () => (refuse ? 401 : null) });
    refuse = true;
    api.clock.advance(910);
    const statuses = await Promise.all(tabs.flatMap((tab) => Array.from({ length: 5 }, () => data(api, tab))));
    expect(new Set(statuses)).toEqual(new Set([401]));
    await everyTabHolds(tabs, null);
    expect(api.refreshes()).toBe(1);
    expect(tabs.map((tab) => tab.expired)).toEqual([["expired"], ["expired"], ["expired"]]);
  });

  it("a late 'session ended' message never wipes the tokens of a newer login", async () => {
    const { api, tabs } = await openTabs(2);
    const [first, second] = tabs as [Tab, Tab];
    channels.hold();
    await first.client.clear(); // logout in the first tab: its message is late…
    const newer = await api.login();
    await second.client.setTokens(newer); // …and the second tab logs in again before it arrives
    channels.release();
    await everyTabHolds(tabs, newer.accessToken);
    expect(second.expired).toEqual([]);
  });

  it("a 'session ended' message that arrives while a tab stores a newer login never wipes it", async () => {
    const { api, tabs } = await openTabs(2);
    const [first, second] = tabs as [Tab, Tab];
    for (let attempt = 0; attempt < 10; attempt++) {
      const newer = await api.login();
      await first.client.clear(); // its message comes a macrotask later: while the second tab stores
      await second.client.setTokens(newer);
      await everyTabHolds(tabs, newer.accessToken);
    }
  });

  it("a late message with tokens from before a logout does not log a tab back in", async () => {
    const { api, tabs } = await openTabs(2);
    const [first, second] = tabs as [Tab, Tab];
    api.clock.advance(910);
    channels.hold();
    expect(await data(api, first)).toBe(200); // refreshed: its tokens are on their way
    await second.client.clear(); // the second tab logs out before they arrive
    channels.release();
    await everyTabHolds(tabs, null);
    await new Promise((resolve) => setTimeout(resolve, 20)); // every message handled
    expect(await second.storage.get()).toBeNull();
    expect(first.expired).toEqual(["expired"]);
    expect(second.expired).toEqual([]);
  });

  it("ignores what other scripts post on its channel", async () => {
    const api = await startApi();
    const storage = new MemoryTokenStorage();
    const login = await api.login();
    storage.set(login); // tokens from before crossTab: nothing recorded yet
    const expired: string[] = [];
    api.client({ crossTab: "shop", storage }, expired);
    const stranger = new BroadcastChannel("tokenwise:shop");
    for (const message of [{}, { tokens: undefined }, { tokens: { accessToken: 1 } }, "hello", null]) stranger.postMessage(message);
    await new Promise((resolve) => setTimeout(resolve, 20));
    stranger.close();
    expect(storage.get()).toEqual(login);
    expect(expired).toEqual([]);
  });

  it("waits for another tab's turn at most lockTimeout, then fails with refresh_failed (lock_timeout), keeps the tokens and never steals the lock", async () => {
    const { api, tabs, login } = await openTabs(1, {}, { lockTimeout: 1 });
    let unlock = (): void => undefined;
    void locks.request("tokenwise:shop", () => new Promise<void>((resolve) => (unlock = resolve))); // a tab stuck mid-refresh
    api.clock.advance(910);
    const started = Date.now();
    await expect(data(api, tabs[0] as Tab)).rejects.toMatchObject({ code: "refresh_failed", reason: "lock_timeout" });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(api.refreshes()).toBe(0);
    expect(await (tabs[0] as Tab).storage.get()).toEqual(login);
    unlock();
    expect(await data(api, tabs[0] as Tab)).toBe(200);
  });
});

describe("crossTab where the browser offers no Web Locks", () => {
  it("throws invalid_config naming crossTab in a page that is not a secure context (plain http on a LAN host)", () => {
    vi.stubGlobal("navigator", {}); // what Chromium gives http://192.168.1.20: no navigator.locks
    vi.stubGlobal("isSecureContext", false);
    const refresh = httpRefresh({ url: "http://192.168.1.20/auth/refresh" });
    expect(() => new TokenClient({ refresh, crossTab: "shop" })).toThrow(
      expect.objectContaining({ code: "invalid_config", option: "crossTab", message: expect.stringContaining("secure context (https or localhost)") }),
    );
    // Without crossTab the client works as before.
    new TokenClient({ refresh }).close();
  });

  it("throws invalid_config on a runtime without Web Locks (Node 20)", () => {
    vi.stubGlobal("navigator", undefined);
    const refresh = httpRefresh({ url: "http://127.0.0.1/refresh" });
    expect(() => new TokenClient({ refresh, crossTab: "shop" })).toThrow(expect.objectContaining({ code: "invalid_config", option: "crossTab" }));
  });
});
