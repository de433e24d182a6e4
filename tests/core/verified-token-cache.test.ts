/**
 * The verified-token cache: a hit answers only for the very token string that verified, under the
 * key set it verified with, while its time claims still pass; the session check runs on hits too;
 * failures are never kept; the claims handed out are frozen.
 */
import { jwksResponse } from "tokenwise/http";
import { generateSigningKey, RemoteJwks, TokenManager, TokenVerifier, type JsonWebKeySet, type TokenManagerOptions } from "tokenwise";
import { describe, expect, it } from "vitest";
import { AUDIENCE, createHarness, ISSUER, TestClock, verifierFor } from "./fixtures.js";
import { ACCESS_TOKEN, epochSeconds, knownKey, tokenSignedBy } from "../security/craft.js";

const statelessHarness = (overrides: Partial<TokenManagerOptions> = {}) => createHarness({ refreshTokenMode: "stateless", ...overrides });

describe("a token verified before is answered from the cache", () => {
  it("the second verification of a token is a hit with the same claims, deep-frozen", async () => {
    const { tokens } = await statelessHarness();
    const { accessToken } = await tokens.issue({ subject: "user-1", claims: { roles: ["admin"], profile: { name: "Ada" } } });
    const first = await tokens.verifyAccessToken(accessToken);
    const second = await tokens.verifyAccessToken(accessToken);
    expect(second).toBe(first);
    expect(tokens.cacheStats()).toEqual({ hits: 1, misses: 1, entries: 1, maxEntries: 1000 });
    expect(Object.isFrozen(second) && Object.isFrozen(second.roles) && Object.isFrozen(second.profile)).toBe(true);
    expect(() => {
      (second.roles as string[]).push("root");
    }).toThrow(TypeError);
  });

  it("a TokenVerifier keeps its own cache through the same code", async () => {
    const { tokens } = await statelessHarness();
    const verifier = verifierFor(tokens);
    const { accessToken } = await tokens.issue({ subject: "user-1" });
    await verifier.verifyAccessToken(accessToken);
    await verifier.verifyAccessToken(accessToken);
    expect(verifier.cacheStats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it("with verifiedTokenCache: false nothing is kept and the claims are the caller's to change", async () => {
    const { tokens } = await statelessHarness({ verifiedTokenCache: false });
    const { accessToken } = await tokens.issue({ subject: "user-1" });
    await tokens.verifyAccessToken(accessToken);
    const claims = await tokens.verifyAccessToken(accessToken);
    expect(Object.isFrozen(claims)).toBe(false);
    expect(tokens.cacheStats()).toEqual({ hits: 0, misses: 0, entries: 0, maxEntries: 0 });
  });

  it("holds at most maxEntries tokens, dropping the least recently used", async () => {
    const { tokens } = await statelessHarness({ verifiedTokenCache: { maxEntries: 2 } });
    const [a, b, c] = await Promise.all(["a", "b", "c"].map(async (subject) => (await tokens.issue({ subject })).accessToken as string));
    for (const token of [a, b, a, c]) await tokens.verifyAccessToken(token);
    expect(tokens.cacheStats()).toMatchObject({ hits: 1, misses: 3, entries: 2 });
    await tokens.verifyAccessToken(a);
    expect(tokens.cacheStats().hits, "a was used last but one: kept").toBe(2);
    await tokens.verifyAccessToken(b);
    expect(tokens.cacheStats().hits, "b was the least recently used: dropped").toBe(2);
  });

  it.each([{ maxEntries: 0 }, { maxEntries: 1.5 }, { maxEntries: "10" }, "yes", null])("refuses verifiedTokenCache %j as invalid_config", async (option) => {
    const key = await generateSigningKey("HS256");
    const options = { issuer: ISSUER, audience: AUDIENCE, signingKeys: [key], refreshTokenMode: "stateless", verifiedTokenCache: option } as unknown as TokenManagerOptions;
    expect(() => new TokenManager(options)).toThrow(expect.objectContaining({ code: "invalid_config" }));
    expect(() => new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: [key], verifiedTokenCache: option } as never)).toThrow(
      expect.objectContaining({ code: "invalid_config" }),
    );
  });
});

describe("a hit never outlives the checks that depend on time", () => {
  it("a cached token is refused as expired once exp (with the clock tolerance) has passed", async () => {
    const { tokens, clock } = await statelessHarness({ accessTokenTtl: 60, clockTolerance: 5 });
    const { accessToken } = await tokens.issue({ subject: "user-1" });
    await tokens.verifyAccessToken(accessToken);
    clock.advance(64);
    await expect(tokens.verifyAccessToken(accessToken), "within the tolerance: a hit").resolves.toMatchObject({ sub: "user-1" });
    expect(tokens.cacheStats().hits).toBe(1);
    clock.advance(1);
    await expect(tokens.verifyAccessToken(accessToken)).rejects.toMatchObject({ code: "token_expired" });
    expect(tokens.cacheStats()).toMatchObject({ hits: 1, entries: 0 });
  });

  it("a cached token is refused before its nbf, and with iat in the future, when the clock goes back", async () => {
    const key = knownKey("HS256");
    const { tokens, clock } = await createHarness({ signingKeys: [key.signingKey], refreshTokenMode: "stateless", clockTolerance: 5 });
    const now = epochSeconds(clock);
    const withNbf = tokenSignedBy(ACCESS_TOKEN, key, clock, { claims: { nbf: now - 10, iat: now - 100 } });
    const withIat = tokenSignedBy(ACCESS_TOKEN, key, clock, { claims: { jti: "other" } });
    await tokens.verifyAccessToken(withNbf);
    await tokens.verifyAccessToken(withIat);
    clock.advance(-16);
    await expect(tokens.verifyAccessToken(withNbf)).rejects.toMatchObject({ code: "invalid_token", claim: "nbf" });
    await expect(tokens.verifyAccessToken(withIat)).rejects.toMatchObject({ code: "invalid_token", claim: "iat" });
    expect(tokens.cacheStats().hits).toBe(0);
  });
});

describe("a hit never skips the session check", () => {
  it("a revoked session is refused with checkSession even though the token is cached (manager)", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "user-1" });
    await tokens.verifyAccessToken(pair.accessToken, { checkSession: true });
    await tokens.revoke(pair.refreshToken);
    await expect(tokens.verifyAccessToken(pair.accessToken, { checkSession: true })).rejects.toMatchObject({ code: "session_revoked" });
    expect(tokens.cacheStats().hits, "the refused verification was a hit").toBe(1);
  });

  it("a revoked session is refused with checkSession even though the token is cached (verifier)", async () => {
    const { tokens } = await createHarness();
    const verifier = verifierFor(tokens);
    const pair = await tokens.issue({ subject: "user-1" });
    await verifier.verifyAccessToken(pair.accessToken, { checkSession: true });
    await tokens.revoke(pair.refreshToken);
    await expect(verifier.verifyAccessToken(pair.accessToken, { checkSession: true })).rejects.toMatchObject({ code: "session_revoked" });
    expect(verifier.cacheStats().hits).toBe(1);
  });
});

describe("only verified access tokens, each under its own whole string", () => {
  it("keeps no failure: a refused token is verified again, and refused again, every time", async () => {
    const key = knownKey("HS256");
    const { tokens, clock } = await createHarness({ signingKeys: [key.signingKey], refreshTokenMode: "stateless" });
    const wrongAudience = tokenSignedBy(ACCESS_TOKEN, key, clock, { claims: { aud: "elsewhere" } });
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(tokens.verifyAccessToken(wrongAudience)).rejects.toMatchObject({ code: "invalid_token", claim: "aud" });
    }
    expect(tokens.cacheStats()).toMatchObject({ hits: 0, misses: 3, entries: 0 });
  });

  it("a token differing from a cached one in its last character is verified on its own, and refused", async () => {
    const { tokens } = await statelessHarness();
    const { accessToken } = await tokens.issue({ subject: "user-1" });
    await tokens.verifyAccessToken(accessToken);
    const last = accessToken.at(-1) as string;
    for (const other of "AQgw") {
      if (other === last) continue;
      await expect(tokens.verifyAccessToken(`${accessToken.slice(0, -1)}${other}`)).rejects.toMatchObject({ code: "invalid_token" });
    }
    expect(tokens.cacheStats().hits).toBe(0);
  });

  it("two genuine tokens sharing all but their signatures' ends each get their own claims", async () => {
    const { tokens } = await statelessHarness();
    const issued = await Promise.all(Array.from({ length: 20 }, (_, index) => tokens.issue({ subject: `user-${index}` })));
    for (const round of [1, 2]) {
      for (const [index, { accessToken }] of issued.entries()) {
        await expect(tokens.verifyAccessToken(accessToken), `round ${round}`).resolves.toMatchObject({ sub: `user-${index}` });
      }
    }
    expect(tokens.cacheStats()).toMatchObject({ hits: 20, misses: 20 });
  });

  it("a stateless refresh token, once refreshed with, is still no access token", async () => {
    const { tokens } = await statelessHarness();
    const { refreshToken } = await tokens.issue({ subject: "user-1" });
    await tokens.refresh(refreshToken);
    await expect(tokens.verifyAccessToken(refreshToken)).rejects.toMatchObject({ code: "invalid_token", claim: "typ" });
    expect(tokens.cacheStats()).toMatchObject({ hits: 0, entries: 0 });
  });
});

describe("a change of the key set empties the cache (TokenVerifier with a JWKS URL)", () => {
  async function remoteSetup() {
    const clock = new TestClock();
    const manager = new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [await generateSigningKey("EdDSA", "key-1")], refreshTokenMode: "stateless", now: clock.now });
    let served: JsonWebKeySet = await manager.jwks();
    let fetches = 0;
    const keys = new RemoteJwks("https://auth.example.test/.well-known/jwks.json", {
      now: clock.now,
      cooldown: "30s",
      maxCacheAge: "1m",
      fetch: async () => {
        fetches++;
        return jwksResponse(served, { maxAge: 60 });
      },
    });
    const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys, now: clock.now });
    const { accessToken } = await manager.issue({ subject: "user-1" });
    return { clock, verifier, accessToken, fetches: () => fetches, serve: (set: JsonWebKeySet) => (served = set) };
  }

  it("a key removed from the set refuses its cached tokens at the first verification after the refetch", async () => {
    const { clock, verifier, accessToken, serve } = await remoteSetup();
    // The first verification fetches the set, so it cannot vouch for it beforehand: kept from the second on.
    for (let time = 0; time < 3; time++) await verifier.verifyAccessToken(accessToken);
    expect(verifier.cacheStats()).toMatchObject({ hits: 1, entries: 1 });
    const rotated = new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [await generateSigningKey("EdDSA", "key-2")], refreshTokenMode: "stateless" });
    serve(await rotated.jwks());
    clock.advance(61);
    await expect(verifier.verifyAccessToken(accessToken)).rejects.toMatchObject({ code: "invalid_token", claim: "kid" });
    await expect(verifier.verifyAccessToken(accessToken)).rejects.toMatchObject({ code: "invalid_token", claim: "kid" });
    expect(verifier.cacheStats()).toMatchObject({ hits: 1, entries: 0 });
  });

  it("nothing is answered from the cache while the set is past its freshness", async () => {
    const { clock, verifier, accessToken, serve } = await remoteSetup();
    for (let time = 0; time < 2; time++) await verifier.verifyAccessToken(accessToken);
    serve({ keys: [] });
    clock.advance(61);
    // The refetch fails (a set without keys); the stale set still verifies, in full.
    await verifier.verifyAccessToken(accessToken);
    expect(verifier.cacheStats().hits).toBe(0);
  });

  it("a refetch that brings the same set keeps the cache", async () => {
    const { clock, verifier, accessToken, fetches } = await remoteSetup();
    for (let time = 0; time < 2; time++) await verifier.verifyAccessToken(accessToken);
    clock.advance(61);
    await verifier.verifyAccessToken(accessToken);
    expect(fetches(), "past its freshness the set is fetched again").toBe(2);
    await verifier.verifyAccessToken(accessToken);
    expect(verifier.cacheStats()).toMatchObject({ hits: 1, entries: 1 });
  });
});
