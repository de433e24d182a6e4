import { hashRefreshToken, MemoryRefreshTokenStore, TokenManager, type RefreshTokenStore, type TokenManagerOptions } from "tokenwise";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHarness, errorCodeOf } from "./fixtures.js";

/** A real memory store whose chosen method fails, as a database does when the connection drops. */
class FlakyStore extends MemoryRefreshTokenStore {
  failing: keyof RefreshTokenStore | null = null;

  constructor() {
    super();
    for (const method of ["createSession", "findToken", "spendToken", "findSession", "revokeSession", "listSessions", "purgeExpired"] as const) {
      const original = this[method].bind(this) as (...args: unknown[]) => Promise<unknown>;
      (this as Record<string, unknown>)[method] = (...args: unknown[]) =>
        this.failing === method ? Promise.reject(new Error("connection reset")) : original(...args);
    }
  }
}

describe("store failures surface as store_error and leave state intact", () => {
  it("wraps the driver's error as cause, with status 503", async () => {
    const store = new FlakyStore();
    const { tokens } = await createHarness({ store });
    store.failing = "createSession";
    const error = await tokens.issue({ subject: "u" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "store_error", status: 503, message: expect.stringContaining("createSession") });
    expect((error as Error).cause).toMatchObject({ message: "connection reset" });
  });

  it("a failed spend leaves the presented token usable", async () => {
    const store = new FlakyStore();
    const { tokens } = await createHarness({ store });
    const pair = await tokens.issue({ subject: "u" });
    store.failing = "spendToken";
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("store_error");
    expect((await store.findToken(hashRefreshToken(pair.refreshToken)))?.token.spentAt).toBeNull();
    store.failing = null;
    await expect(tokens.refresh(pair.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
  });

  it("every store-backed operation reports store_error when its store call fails", async () => {
    const store = new FlakyStore();
    const { tokens } = await createHarness({ store });
    const pair = await tokens.issue({ subject: "u" });
    const cases: [keyof RefreshTokenStore, () => Promise<unknown>][] = [
      ["findToken", () => tokens.refresh(pair.refreshToken)],
      ["findToken", () => tokens.revoke(pair.refreshToken)],
      ["listSessions", () => tokens.listSessions("u")],
      ["purgeExpired", () => tokens.purgeExpired()],
    ];
    for (const [method, action] of cases) {
      store.failing = method;
      expect(await errorCodeOf(action), method).toBe("store_error");
    }
  });
});

describe("onEvent", () => {
  it("reports issued, refreshed, reuse_detected and revoked with subject, session and time", async () => {
    const { tokens, events, clock } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    expect(events).toEqual([{ type: "issued", at: clock.now(), subject: "u", sessionId: pair.sessionId }]);
  });
});

describe("maxSessionsPerSubject is atomic with login", () => {
  for (const failing of ["createSession", "listSessions", "revokeSession"] as const) {
    it(`a store failing in ${failing} never leaves more active sessions than the limit`, async () => {
      const store = new FlakyStore();
      const { tokens } = await createHarness({ store, maxSessionsPerSubject: 1 });
      const first = await tokens.issue({ subject: "u" });
      store.failing = failing;
      const second = await tokens.issue({ subject: "u" }).catch((error: unknown) => error as Error);
      store.failing = null;
      const active = (await tokens.listSessions("u")).map((session) => session.id);
      expect(active).toEqual(second instanceof Error ? [first.sessionId] : [second.sessionId]);
    });
  }
});

/** A store whose chosen method answers `result` instead of doing its job. */
function storeAnswering(method: keyof RefreshTokenStore, result: () => unknown): MemoryRefreshTokenStore {
  const store = new MemoryRefreshTokenStore();
  (store as unknown as Record<string, unknown>)[method] = async () => result();
  return store;
}

describe("store results are checked, never trusted blindly", () => {
  const answers: [keyof RefreshTokenStore, string, () => unknown][] = [
    ["spendToken", "1", () => 1],
    ["spendToken", '"false"', () => "false"],
    ["spendToken", "undefined", () => undefined],
    ["findToken", "an empty object", () => ({})],
    ["findToken", "a lookup without a session", () => ({ token: {}, session: null })],
    ["findToken", "a string", () => "row"],
    ["createSession", "undefined (the 0.1 contract)", () => undefined],
    ["listSessions", "null", () => null],
    ["listSessions", "an array of junk", () => [{ id: 1 }]],
    ["revokeSubject", '"3"', () => "3"],
    ["revokeSession", "1", () => 1],
    ["findSession", "a session with string dates", () => ({ id: "s", subject: "u", claims: {}, metadata: {}, createdAt: "2026", lastUsedAt: "2026", expiresAt: "2027", revokedAt: null, issuer: null, audience: null })],
    ["purgeExpired", "-1", () => -1],
  ];
  for (const [method, what, answer] of answers) {
    it(`${method} answering ${what} fails the operation with store_error`, async () => {
      const store = storeAnswering(method, answer);
      const { tokens } = await createHarness({ store });
      const pair = method === "createSession" ? null : await tokens.issue({ subject: "u" });
      const operations: Record<keyof RefreshTokenStore, () => Promise<unknown>> = {
        createSession: () => tokens.issue({ subject: "u" }),
        findToken: () => tokens.refresh(pair?.refreshToken),
        spendToken: () => tokens.refresh(pair?.refreshToken),
        touchSession: () => Promise.resolve(),
        findSession: () => tokens.revokeSession(pair?.sessionId as string),
        revokeSession: () => tokens.revokeSession(pair?.sessionId as string),
        revokeSubject: () => tokens.revokeAllSessions("u"),
        listSessions: () => tokens.listSessions("u"),
        purgeExpired: () => tokens.purgeExpired(),
      };
      const error = await operations[method]().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "store_error", status: 503, message: expect.stringContaining(`store.${method}() broke the store contract`) });
      // A spend the store did not vouch for hands out no token: the presented one stays the only one.
      if (method === "spendToken") expect((await store.findToken(hashRefreshToken(pair?.refreshToken as string)))?.token.spentAt).toBeNull();
    });
  }
});

describe("storeTimeout", () => {
  afterEach(() => void vi.useRealTimers());

  /**
   * Starts a refresh against a store whose `findToken` never settles, under fake timers, once
   * the call has reached the store. `after(ms)` advances the timers and tells whether the
   * refresh has settled by then, and how.
   */
  async function refreshAgainstHangingStore(options: Partial<TokenManagerOptions> = {}) {
    const store = new MemoryRefreshTokenStore();
    const { tokens } = await createHarness({ store, ...options });
    const pair = await tokens.issue({ subject: "u" });
    let reached!: () => void;
    const reaching = new Promise<void>((resolve) => (reached = resolve));
    store.findToken = () => {
      reached();
      return new Promise(() => undefined);
    };
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let outcome: { settled: false } | { settled: true; error: unknown } = { settled: false };
    void tokens.refresh(pair.refreshToken).catch((error: unknown) => (outcome = { settled: true, error }));
    await reaching;
    return {
      after: async (milliseconds: number) => {
        await vi.advanceTimersByTimeAsync(milliseconds);
        return outcome;
      },
    };
  }

  it("turns a store call that never settles into store_error after the timeout (5 s by default)", async () => {
    const refresh = await refreshAgainstHangingStore();
    expect(await refresh.after(4_999)).toEqual({ settled: false });
    expect(await refresh.after(1)).toMatchObject({ error: { code: "store_error", message: expect.stringContaining("storeTimeout") } });
  });

  it("follows the configured value", async () => {
    const refresh = await refreshAgainstHangingStore({ storeTimeout: "2s" });
    expect(await refresh.after(1_999)).toEqual({ settled: false });
    expect(await refresh.after(1)).toMatchObject({ error: { code: "store_error" } });
  });

  it("defaults to half a short grace window", async () => {
    const refresh = await refreshAgainstHangingStore({ reuseGraceSeconds: 4 });
    expect(await refresh.after(1_999)).toEqual({ settled: false });
    expect(await refresh.after(1)).toMatchObject({ error: { code: "store_error" } });
  });

  it("is a duration shorter than the grace window, or false to wait for ever", async () => {
    const store = new MemoryRefreshTokenStore();
    const refused = expect.objectContaining({ code: "invalid_config", option: "storeTimeout" });
    expect(() => new TokenManager({ ...baseOptions(store), storeTimeout: 0 })).toThrow(refused);
    expect(() => new TokenManager({ ...baseOptions(store), storeTimeout: "10s" })).toThrow(refused);
    expect(() => new TokenManager({ ...baseOptions(store), reuseGraceSeconds: 30, storeTimeout: "29s" })).not.toThrow();
    expect(() => new TokenManager({ ...baseOptions(store), reuseGraceSeconds: 0, storeTimeout: "60s" })).not.toThrow();
    expect(() => new TokenManager({ ...baseOptions(store), storeTimeout: false })).not.toThrow();
  });

  it("a store's error that imitates another tokenwise code is still store_error", async () => {
    const store = new MemoryRefreshTokenStore();
    store.findToken = async () => {
      throw Object.assign(new Error("imitation"), { code: "refresh_token_reused", status: 401 });
    };
    const { tokens } = await createHarness({ store });
    const pair = await tokens.issue({ subject: "u" });
    await expect(tokens.refresh(pair.refreshToken)).rejects.toMatchObject({ code: "store_error", status: 503 });
  });

  it("a synchronous throw from a store method is store_error too", async () => {
    const store = new MemoryRefreshTokenStore();
    store.findToken = () => {
      throw new TypeError("not a promise");
    };
    const { tokens } = await createHarness({ store });
    const pair = await tokens.issue({ subject: "u" });
    await expect(tokens.refresh(pair.refreshToken)).rejects.toMatchObject({ code: "store_error" });
  });
});

function baseOptions(store: RefreshTokenStore) {
  return { issuer: "https://i.test", audience: "a", signingKeys: [{ alg: "HS256" as const, secret: new Uint8Array(32) }], store };
}
