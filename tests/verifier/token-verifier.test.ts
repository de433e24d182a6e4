/**
 * TokenVerifier: a service that holds neither a private key nor the store verifies the manager's
 * tokens with the same answers, from keys given as values (a URL, a JWK Set, public keys, a shared
 * secret), for one issuer or several, with an optional session check.
 */
import { createPublicKey } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  generateSigningKey,
  MemoryRefreshTokenStore,
  TokenManager,
  TokenVerifier,
  type Jwk,
  type SigningKey,
  type TokenManagerOptions,
  type TokenVerifierOptions,
} from "tokenwise";
import { requireAuth } from "tokenwise/http";
import { AUDIENCE, errorCodeOf, ISSUER, TestClock } from "../core/fixtures.js";
import { JWKS_PATH, startJwksEndpoint, type JwksEndpoint } from "./jwks-endpoint.js";

let clock: TestClock;
beforeEach(() => {
  clock = new TestClock();
});

function managerWith(signingKeys: SigningKey[], options: Partial<TokenManagerOptions<{ role: string }>> = {}): TokenManager<{ role: string }> {
  return new TokenManager<{ role: string }>({ issuer: ISSUER, audience: AUDIENCE, signingKeys, store: new MemoryRefreshTokenStore(), now: clock.now, ...options });
}

const verifierWith = (options: Partial<TokenVerifierOptions<{ role: string }>>): TokenVerifier<{ role: string }> =>
  new TokenVerifier<{ role: string }>({ issuer: ISSUER, audience: AUDIENCE, now: clock.now, ...options });

describe("keys as values", () => {
  it("a JWK Set object, a PEM public key and a JWK public key each verify with the claims the manager reads", async () => {
    const signingKey = await generateSigningKey("ES256", "es-1");
    const tokens = managerWith([signingKey]);
    const jwk = (await tokens.jwks()).keys[0] as Jwk;
    const pem = createPublicKey({ key: jwk as never, format: "jwk" }).export({ type: "spki", format: "pem" }).toString();
    const { accessToken } = await tokens.issue({ subject: "user-1", claims: { role: "staff" } });
    const expected = await tokens.verifyAccessToken(accessToken);
    for (const keys of [await tokens.jwks(), [{ alg: "ES256" as const, publicKey: pem, kid: "es-1" }], [{ alg: "ES256" as const, publicKey: jwk, kid: "es-1" }]]) {
      const claims = await verifierWith({ keys }).verifyAccessToken(accessToken);
      expect(claims).toEqual(expected);
      expect(claims.role).toBe("staff");
    }
  });

  it("a shared HMAC secret verifies", async () => {
    const key = await generateSigningKey("HS256", "shared");
    const { accessToken } = await managerWith([key]).issue({ subject: "user-1", claims: { role: "staff" } });
    await expect(verifierWith({ keys: [key] }).verifyAccessToken(accessToken)).resolves.toMatchObject({ sub: "user-1", role: "staff" });
  });

  it("refuses what the manager refuses: another audience, another issuer, an expired token, an unknown key", async () => {
    const key = await generateSigningKey("EdDSA", "ed-1");
    const tokens = managerWith([key], { accessTokenTtl: "1m" });
    const { accessToken } = await tokens.issue({ subject: "user-1", claims: { role: "staff" } });
    const keys = await tokens.jwks();
    const otherKey = await generateSigningKey("EdDSA", "ed-1");
    expect(await errorCodeOf(() => verifierWith({ keys, audience: "other-api" }).verifyAccessToken(accessToken))).toBe("invalid_token");
    expect(await errorCodeOf(() => verifierWith({ keys, issuer: "https://other.test" }).verifyAccessToken(accessToken))).toBe("invalid_token");
    expect(await errorCodeOf(() => verifierWith({ keys: [otherKey] }).verifyAccessToken(accessToken))).toBe("invalid_token");
    clock.advance(60 + 5);
    expect(await errorCodeOf(() => verifierWith({ keys }).verifyAccessToken(accessToken))).toBe("token_expired");
    expect(await errorCodeOf(() => tokens.verifyAccessToken(accessToken))).toBe("token_expired");
  });

  it("works with requireAuth like a manager", async () => {
    const tokens = managerWith([await generateSigningKey("EdDSA")]);
    const { accessToken } = await tokens.issue({ subject: "user-1", claims: { role: "staff" } });
    const auth = await requireAuth(new Request("http://api.test/", { headers: { authorization: `Bearer ${accessToken}` } }), verifierWith({ keys: await tokens.jwks() }));
    expect(auth.ok && auth.claims.role).toBe("staff");
  });
});

describe("with nothing but the issuer URL and the audience", () => {
  let endpoint: JwksEndpoint;
  afterEach(async () => {
    await endpoint.close();
  });

  it("finds the keys at <issuer>/.well-known/jwks.json", async () => {
    endpoint = await startJwksEndpoint();
    const tokens = managerWith([await generateSigningKey("EdDSA")], { issuer: endpoint.origin });
    endpoint.serveKeysOf(tokens);
    const { accessToken } = await tokens.issue({ subject: "user-1", claims: { role: "staff" } });
    const verifier = new TokenVerifier<{ role: string }>({ issuer: endpoint.origin, audience: AUDIENCE, now: clock.now });
    await expect(verifier.verifyAccessToken(accessToken)).resolves.toMatchObject({ sub: "user-1", role: "staff" });
    expect(endpoint.fetches()).toBe(1);
  });

  it("an issuer that is not a URL needs its keys given", () => {
    expect(() => new TokenVerifier({ issuer: "auth", audience: AUDIENCE })).toThrow(expect.objectContaining({ code: "invalid_config", option: "keys" }));
  });
});

describe("several issuers", () => {
  let endpoint: JwksEndpoint;
  afterEach(async () => {
    await endpoint.close();
  });

  it("accepts each issuer's tokens under its own keys, and refuses a token claiming one issuer signed by another's key", async () => {
    endpoint = await startJwksEndpoint();
    const staff = managerWith([await generateSigningKey("EdDSA", "staff-key")], { issuer: `${endpoint.origin}/staff` });
    const customers = managerWith([await generateSigningKey("ES256", "customer-key")], { issuer: `${endpoint.origin}/customers` });
    endpoint.answer(async (request) => {
      const path = new URL(request.url).pathname;
      const manager = path.startsWith("/staff") ? staff : customers;
      return Response.json(await manager.jwks());
    });
    const verifier = new TokenVerifier<{ role: string }>({
      audience: AUDIENCE,
      now: clock.now,
      issuers: { [`${endpoint.origin}/staff`]: `${endpoint.origin}/staff${JWKS_PATH}`, [`${endpoint.origin}/customers`]: await customers.jwks() },
    });
    await expect(verifier.verifyAccessToken((await staff.issue({ subject: "s", claims: { role: "admin" } })).accessToken)).resolves.toMatchObject({ sub: "s", role: "admin" });
    await expect(verifier.verifyAccessToken((await customers.issue({ subject: "c", claims: { role: "customer" } })).accessToken)).resolves.toMatchObject({ sub: "c" });

    // A manager holding the customers' key but claiming to be the staff issuer.
    const impostor = managerWith([{ ...(await generateSigningKey("ES256")), kid: "customer-key" }], { issuer: `${endpoint.origin}/staff` });
    const forged = (await impostor.issue({ subject: "c", claims: { role: "admin" } })).accessToken;
    await expect(verifier.verifyAccessToken(forged)).rejects.toMatchObject({ code: "invalid_token" });

    const stranger = managerWith([await generateSigningKey("EdDSA")], { issuer: "https://stranger.test" });
    const fetchesBefore = endpoint.fetches();
    await expect(verifier.verifyAccessToken((await stranger.issue({ subject: "x" })).accessToken)).rejects.toMatchObject({ code: "invalid_token", claim: "iss" });
    expect(endpoint.fetches(), "an unknown issuer fetches nothing").toBe(fetchesBefore);
  });
});

describe("checkSession", () => {
  it("with the auth server's store: a revoked session's still-valid token is refused", async () => {
    const store = new MemoryRefreshTokenStore();
    const tokens = managerWith([await generateSigningKey("EdDSA")], { store });
    const pair = await tokens.issue({ subject: "user-1", claims: { role: "staff" } });
    const verifier = verifierWith({ keys: await tokens.jwks(), checkSession: store });
    await expect(verifier.verifyAccessToken(pair.accessToken, { checkSession: true })).resolves.toMatchObject({ sub: "user-1" });
    await tokens.revoke(pair.refreshToken);
    await expect(verifier.verifyAccessToken(pair.accessToken)).resolves.toMatchObject({ sub: "user-1" });
    await expect(verifier.verifyAccessToken(pair.accessToken, { checkSession: true })).rejects.toMatchObject({ code: "session_revoked", status: 401 });
  });

  it("with the store, a session bound to another audience is not this token's", async () => {
    const store = new MemoryRefreshTokenStore();
    const tokens = managerWith([await generateSigningKey("EdDSA")], { store, audience: "other-api" });
    const pair = await tokens.issue({ subject: "user-1" });
    const verifier = new TokenVerifier({ issuer: ISSUER, audience: "other-api", keys: await tokens.jwks(), now: clock.now, checkSession: store });
    await expect(verifier.verifyAccessToken(pair.accessToken, { checkSession: true })).resolves.toBeDefined();
    const session = (await store.findSession(pair.sessionId))!;
    await store.createSession({ ...session, id: "copy", audience: "api" }, { hash: "x".repeat(64), sessionId: "copy", issuedAt: session.createdAt, expiresAt: session.expiresAt, spentAt: null, successorHash: null, sealedSuccessor: null });
    const tampered = verifierWith({ keys: await tokens.jwks(), audience: "api", checkSession: store });
    expect(await errorCodeOf(() => tampered.verifyAccessToken(pair.accessToken, { checkSession: true }))).toBe("invalid_token");
  });

  it("with a callback: false refuses, a throw is store_error, a non-boolean is store_error", async () => {
    const tokens = managerWith([await generateSigningKey("EdDSA")]);
    const { accessToken } = await tokens.issue({ subject: "user-1" });
    const keys = await tokens.jwks();
    const seen: string[] = [];
    const verifier = verifierWith({ keys, checkSession: (claims) => (seen.push(claims.sid), claims.sub !== "user-1") });
    await expect(verifier.verifyAccessToken(accessToken, { checkSession: true })).rejects.toMatchObject({ code: "session_revoked" });
    expect(seen).toHaveLength(1);
    const failing = verifierWith({ keys, checkSession: () => Promise.reject(new Error("auth server down")) });
    await expect(failing.verifyAccessToken(accessToken, { checkSession: true })).rejects.toMatchObject({ code: "store_error", status: 503 });
    const sloppy = verifierWith({ keys, checkSession: (() => "yes") as never });
    await expect(sloppy.verifyAccessToken(accessToken, { checkSession: true })).rejects.toMatchObject({ code: "store_error" });
  });

  it("without the option is unsupported_operation, not a silent pass", async () => {
    const tokens = managerWith([await generateSigningKey("EdDSA")]);
    const { accessToken } = await tokens.issue({ subject: "user-1" });
    await expect(verifierWith({ keys: await tokens.jwks() }).verifyAccessToken(accessToken, { checkSession: true })).rejects.toMatchObject({ code: "unsupported_operation" });
  });
});

describe("configuration", () => {
  it.each([
    { name: "neither issuer nor issuers", options: { issuer: undefined }, option: "issuer" },
    { name: "both issuer and issuers", options: { issuers: { a: "https://a.test/jwks" } }, option: "issuer" },
    { name: "keys beside issuers", options: { issuer: undefined, issuers: { a: "https://a.test/jwks" }, keys: "https://a.test/jwks" }, option: "keys" },
    { name: "an empty issuers map", options: { issuer: undefined, issuers: {} }, option: "issuers" },
    { name: "no audience", options: { audience: "" }, option: "audience" },
    { name: "an empty key list", options: { keys: [] }, option: "keys" },
    { name: "a number as keys", options: { keys: 42 }, option: "keys" },
    { name: "an http JWKS URL off loopback", options: { keys: "http://auth.example.com/jwks.json" }, option: "url" },
    { name: "a checkSession that is neither store nor function", options: { checkSession: {} }, option: "checkSession" },
  ])("refuses $name", ({ options, option }) => {
    expect(() => verifierWith(options as Partial<TokenVerifierOptions<{ role: string }>>)).toThrow(expect.objectContaining({ code: "invalid_config", option }));
  });

  it.each([
    { name: "a JWK Set with an encryption key", keys: { keys: [{ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", kid: "k", alg: "EdDSA", use: "enc" }] } },
    { name: "a JWK Set that is no set", keys: { keys: "none" } },
    { name: "a public key that is not PEM", keys: [{ alg: "EdDSA", publicKey: "not a pem" }] },
  ])("ready() reports $name as invalid_config", async ({ keys }) => {
    await expect(verifierWith({ keys: keys as never }).ready()).rejects.toMatchObject({ code: "invalid_config" });
  });

  it("a manager with only a public key points to TokenVerifier", async () => {
    const jwk = (await managerWith([await generateSigningKey("EdDSA")]).jwks()).keys[0] as Jwk;
    expect(() => managerWith([{ alg: "EdDSA", publicKey: jwk }])).toThrow(expect.objectContaining({ code: "invalid_config", message: expect.stringContaining("use TokenVerifier") }));
    expect(() => new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [{ alg: "HS256", secret: "x".repeat(32) }] })).toThrow(expect.objectContaining({ option: "store", message: expect.stringContaining("use TokenVerifier") }));
  });
});
