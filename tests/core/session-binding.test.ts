import { generateSigningKey, hashRefreshToken, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { describe, expect, it } from "vitest";
import { TestClock } from "./fixtures.js";

/** Two services with their own issuer, audience and key, sharing one store. */
async function twoServices() {
  const store = new MemoryRefreshTokenStore();
  const clock = new TestClock();
  const service = async (issuer: string, audience: string) =>
    new TokenManager({ issuer, audience, signingKeys: [await generateSigningKey("ES256")], store, now: clock.now });
  return { store, a: await service("https://a.example", "a-api"), b: await service("https://b.example", "b-api") };
}

describe("a session is bound to the issuer and audience that created it", () => {
  it("stores the binding with the session", async () => {
    const { store, a } = await twoServices();
    const pair = await a.issue({ subject: "u" });
    expect(await store.findSession(pair.sessionId)).toMatchObject({ issuer: "https://a.example", audience: "a-api" });
  });

  it("another manager refuses the refresh token as unknown and changes nothing", async () => {
    const { store, a, b } = await twoServices();
    const pair = await a.issue({ subject: "u" });
    const before = await store.findToken(hashRefreshToken(pair.refreshToken));
    await expect(b.refresh(pair.refreshToken)).rejects.toMatchObject({ code: "invalid_refresh_token", status: 401 });
    expect(await store.findToken(hashRefreshToken(pair.refreshToken))).toEqual(before);
    await expect(a.refresh(pair.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
  });

  it("another manager cannot revoke the session, by token or by id, nor see it", async () => {
    const { a, b } = await twoServices();
    const pair = await a.issue({ subject: "u" });
    expect(await b.revoke(pair.refreshToken)).toBe(false);
    expect(await b.revokeSession(pair.sessionId)).toBe(false);
    expect(await b.listSessions("u")).toEqual([]);
    expect((await a.listSessions("u")).map((session) => session.id)).toEqual([pair.sessionId]);
  });

  it("another manager refuses its access tokens, while each checks its own sessions", async () => {
    const { a, b } = await twoServices();
    const pairA = await a.issue({ subject: "u" });
    const pairB = await b.issue({ subject: "u" });
    await expect(b.verifyAccessToken(pairA.accessToken)).rejects.toMatchObject({ code: "invalid_token" });
    await expect(b.verifyAccessToken(pairB.accessToken, { checkSession: true })).resolves.toMatchObject({ sub: "u" });
    await expect(a.verifyAccessToken(pairA.accessToken, { checkSession: true })).resolves.toMatchObject({ sub: "u" });
  });

  it("maxSessionsPerSubject counts only the manager's own sessions", async () => {
    const store = new MemoryRefreshTokenStore();
    const key = await generateSigningKey("EdDSA");
    const limited = (audience: string) => new TokenManager({ issuer: "https://one.example", audience, signingKeys: [key], store, maxSessionsPerSubject: 1 });
    const web = limited("web");
    const mobile = limited("mobile");
    const onWeb = await web.issue({ subject: "u" });
    await mobile.issue({ subject: "u" });
    await expect(web.refresh(onWeb.refreshToken)).resolves.toMatchObject({ sessionId: onWeb.sessionId });
  });
});

describe("revokeAllSessions stays within the manager's binding", () => {
  it("logs the subject out of this service only", async () => {
    const { a, b } = await twoServices();
    const onA = await a.issue({ subject: "u" });
    const onB = await b.issue({ subject: "u" });
    expect(await b.revokeAllSessions("u")).toBe(1);
    await expect(b.refresh(onB.refreshToken)).rejects.toMatchObject({ code: "session_revoked" });
    await expect(a.refresh(onA.refreshToken)).resolves.toMatchObject({ sessionId: onA.sessionId });
  });
});
