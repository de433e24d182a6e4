import { MemoryRefreshTokenStore, parseDuration, TokenManager, type TokenManagerOptions } from "tokenwise";
import { describe, expect, it } from "vitest";
import { AUDIENCE, ISSUER, TestClock, testKey } from "./fixtures.js";

async function optionErrorOf(overrides: Record<string, unknown>): Promise<{ code: string; option: string; status: number }> {
  const options = { issuer: ISSUER, audience: AUDIENCE, signingKeys: [await testKey()], store: new MemoryRefreshTokenStore(), ...overrides };
  try {
    new TokenManager(options as TokenManagerOptions);
  } catch (error) {
    return error as { code: string; option: string; status: number };
  }
  throw new Error("expected the constructor to throw");
}

describe("the constructor refuses unusable options with invalid_config naming the option", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["issuer", { issuer: "" }],
    ["audience", { audience: 5 }],
    ["store", { store: undefined }],
    ["store", { store: { findToken() {} } }],
    ["accessTokenTtl", { accessTokenTtl: "15 minutes" }],
    ["accessTokenTtl", { accessTokenTtl: -1 }],
    ["accessTokenTtl", { accessTokenTtl: 1.5 }],
    ["refreshTokenTtl", { refreshTokenTtl: 0 }],
    ["refreshTokenTtl", { refreshTokenTtl: "60d" }],
    ["accessTokenTtl", { accessTokenTtl: "2h", refreshTokenTtl: "1h", sessionMaxAge: "1h" }], // accessTokenTtl ≤ sessionMaxAge
    ["sessionMaxAge", { sessionMaxAge: "1y" }],
    ["refreshTokenMode", { refreshTokenMode: "jwt" }],
    ["rotateRefreshTokens", { rotateRefreshTokens: "no" }],
    ["reuseGraceSeconds", { reuseGraceSeconds: -5 }],
    ["maxSessionsPerSubject", { maxSessionsPerSubject: 0 }],
    ["maxSessionsPerSubject", { refreshTokenMode: "stateless", store: undefined, maxSessionsPerSubject: 1 }],
    ["clockTolerance", { clockTolerance: "a while" }],
    ["resolveClaims", { resolveClaims: "roles" }],
    ["onEvent", { onEvent: {} }],
    ["now", { now: Date.now() }],
    ["signingKeys", { signingKeys: undefined }],
  ];
  for (const [option, overrides] of cases) {
    it(`${option} = ${JSON.stringify(Object.values(overrides)[0]) ?? "undefined"}`, async () => {
      expect(await optionErrorOf(overrides)).toMatchObject({ code: "invalid_config", option, status: 500 });
    });
  }

  it("a non-object options argument", () => {
    expect(() => new TokenManager(undefined as never)).toThrow(expect.objectContaining({ code: "invalid_config", option: "options" }));
  });
});

describe("durations", () => {
  it("accept whole seconds and s, m, h, d units", () => {
    expect(parseDuration(90, "x")).toBe(90);
    expect(parseDuration("30s", "x")).toBe(30);
    expect(parseDuration("15m", "x")).toBe(900);
    expect(parseDuration("24h", "x")).toBe(86_400);
    expect(parseDuration("7d", "x")).toBe(604_800);
    expect(parseDuration(0, "x", { allowZero: true })).toBe(0);
  });

  it("configure the lifetimes the manager reports", async () => {
    const tokens = new TokenManager({
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [await testKey()],
      store: new MemoryRefreshTokenStore(),
      accessTokenTtl: "24h",
      refreshTokenTtl: "30d",
      sessionMaxAge: "90d",
      now: new TestClock().now,
    });
    const pair = await tokens.issue({ subject: "u" });
    expect(pair.expiresIn).toBe(86_400);
    expect(pair.refreshTokenExpiresAt.getTime() - pair.accessTokenExpiresAt.getTime()).toBe((30 - 1) * 86_400_000);
  });
});
