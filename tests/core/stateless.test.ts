import { TokenManager } from "tokenwise";
import { describe, expect, it } from "vitest";
import { AUDIENCE, decodeJwt, errorCodeOf, ISSUER, TestClock, testKey } from "./fixtures.js";

async function statelessHarness(options: { refreshTokenTtl?: "7d" | "1h" } = {}) {
  const clock = new TestClock();
  const tokens = new TokenManager({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: [await testKey()],
    refreshTokenMode: "stateless",
    now: clock.now,
    ...options,
  });
  return { tokens, clock };
}

describe('refreshTokenMode: "stateless" (seed 001)', () => {
  it("issues a self-contained refresh JWT with its own typ and the issuer as audience; nothing is stored", async () => {
    const { tokens, clock } = await statelessHarness();
    const pair = await tokens.issue({ subject: "u", claims: { email: "u@example.test" } });
    const { header, payload } = decodeJwt(pair.refreshToken);
    expect(header.typ).toBe("rt+jwt");
    expect(payload).toMatchObject({ iss: ISSUER, aud: ISSUER, sub: "u", sid: pair.sessionId, email: "u@example.test" });
    expect(pair.refreshTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 7 * 86_400_000);
  });

  it("exchanges the refresh JWT for a new access token and hands the same refresh token back", async () => {
    const { tokens, clock } = await statelessHarness();
    const pair = await tokens.issue({ subject: "u", claims: { email: "u@example.test" } });
    clock.advance(16 * 60);
    expect(await errorCodeOf(() => tokens.verifyAccessToken(pair.accessToken))).toBe("token_expired");
    const next = await tokens.refresh(pair.refreshToken);
    expect(next.refreshToken).toBe(pair.refreshToken);
    await expect(tokens.verifyAccessToken(next.accessToken)).resolves.toMatchObject({ sub: "u", email: "u@example.test", sid: pair.sessionId });
  });

  it("never accepts a refresh token as an access token, nor an access token as a refresh token", async () => {
    const { tokens } = await statelessHarness();
    const pair = await tokens.issue({ subject: "u" });
    await expect(tokens.verifyAccessToken(pair.refreshToken)).rejects.toMatchObject({ code: "invalid_token" });
    await expect(tokens.refresh(pair.accessToken)).rejects.toMatchObject({ code: "invalid_refresh_token" });
  });

  it("refuses an expired refresh JWT, and garbage", async () => {
    const { tokens, clock } = await statelessHarness({ refreshTokenTtl: "1h" });
    const pair = await tokens.issue({ subject: "u" });
    clock.advance(3600 + 6);
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("refresh_token_expired");
    for (const value of [undefined, 1, "", "A".repeat(43), "x".repeat(100_000)]) {
      expect(await errorCodeOf(() => tokens.refresh(value))).toBe("invalid_refresh_token");
    }
  });

  it("says plainly that it cannot revoke or list sessions", async () => {
    const { tokens } = await statelessHarness();
    const pair = await tokens.issue({ subject: "u" });
    for (const action of [
      () => tokens.revoke(pair.refreshToken),
      () => tokens.revokeSession(pair.sessionId),
      () => tokens.revokeAllSessions("u"),
      () => tokens.listSessions("u"),
      () => tokens.verifyAccessToken(pair.accessToken, { checkSession: true }),
    ]) {
      await expect(action()).rejects.toMatchObject({ code: "unsupported_operation", status: 501 });
    }
    expect(await tokens.purgeExpired()).toBe(0);
  });

  it("reissues an access token from a valid one without a store", async () => {
    const { tokens } = await statelessHarness();
    const pair = await tokens.issue({ subject: "u", claims: { role: "customer" } });
    const again = await tokens.reissueAccessToken(pair.accessToken);
    await expect(tokens.verifyAccessToken(again.accessToken)).resolves.toMatchObject({ sub: "u", role: "customer", sid: pair.sessionId });
  });
});
