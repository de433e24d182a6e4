import { hashRefreshToken, MemoryRefreshTokenStore, type RefreshTokenStore } from "tokenwise";
import { describe, expect, it } from "vitest";
import { createHarness, errorCodeOf } from "./fixtures.js";

/** A real memory store whose chosen method fails, as a database does when the connection drops. */
class FlakyStore extends MemoryRefreshTokenStore {
  failing: keyof RefreshTokenStore | null = null;

  constructor() {
    super();
    for (const method of ["createSession", "findToken", "spendToken", "revokeSession", "listSessions", "purgeExpired"] as const) {
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
