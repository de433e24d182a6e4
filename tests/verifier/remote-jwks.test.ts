/**
 * A JWKS URL as a key source, over real HTTP on 127.0.0.1: one fetch for many callers, bounded
 * refetches under a flood of forged kids, stale keys through an outage (and only so long), and
 * nothing from a set that says a key is not for verifying.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateSigningKey, RemoteJwks, TokenManager, TokenVerifier, type CachedJwks, type Jwk, type RemoteJwksOptions } from "tokenwise";
import { AUDIENCE, errorCodeOf, ISSUER, TestClock } from "../core/fixtures.js";
import { craftToken, knownKey } from "../security/craft.js";
import { startJwksEndpoint, type JwksEndpoint } from "./jwks-endpoint.js";

let endpoint: JwksEndpoint;
let clock: TestClock;
let manager: TokenManager;

beforeEach(async () => {
  endpoint = await startJwksEndpoint();
  clock = new TestClock();
  manager = new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [await generateSigningKey("EdDSA", "key-1")], refreshTokenMode: "stateless", now: clock.now });
  endpoint.serveKeysOf(manager);
});

afterEach(async () => {
  await endpoint.close();
});

function verifierOn(options: RemoteJwksOptions = {}): { verifier: TokenVerifier; errors: Error[] } {
  const errors: Error[] = [];
  const keys = new RemoteJwks(endpoint.url, { now: clock.now, onError: (error) => errors.push(error), ...options });
  return { verifier: new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys, now: clock.now }), errors };
}

const accessToken = async (): Promise<string> => (await manager.issue({ subject: "user-1" })).accessToken;

/** A token as the manager would write it, but signed by an attacker's key under the given kid. */
function forgedToken(kid: string): string {
  const now = Math.floor(clock.now().getTime() / 1000);
  const payload = { iss: ISSUER, aud: AUDIENCE, sub: "attacker", sid: "s", jti: kid, iat: now, exp: now + 300 };
  return craftToken({ header: { alg: "EdDSA", kid, typ: "at+jwt" }, payload, key: knownKey("EdDSA", "attacker").signer });
}

describe("fetching", () => {
  it("50 concurrent verifications on a cold start share one fetch", async () => {
    const { verifier } = verifierOn();
    const tokens = await Promise.all(Array.from({ length: 50 }, accessToken));
    const verified = await Promise.all(tokens.map((token) => verifier.verifyAccessToken(token)));
    expect(verified.map((claims) => claims.sub)).toEqual(Array(50).fill("user-1"));
    expect(endpoint.fetches()).toBe(1);
  });

  it("a flood of tokens naming unknown kids fetches at most once per cooldown", async () => {
    const { verifier } = verifierOn({ cooldown: "30s" });
    await verifier.verifyAccessToken(await accessToken());
    for (let window = 0; window < 4; window++) {
      const codes = await Promise.all(Array.from({ length: 100 }, (_, index) => errorCodeOf(() => verifier.verifyAccessToken(forgedToken(`forged-${window}-${index}`)))));
      expect(new Set(codes)).toEqual(new Set(["invalid_token"]));
      clock.advance(31);
    }
    // The first fetch, then one per cooldown window that followed it: 400 forged kids, 4 fetches.
    expect(endpoint.fetches()).toBe(4);
  });

  it("a token naming an unknown kid refetches at once when the cooldown has passed, and verifies if the key is new", async () => {
    const { verifier } = verifierOn();
    await verifier.verifyAccessToken(await accessToken());
    clock.advance(31);
    const rotated = new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [await generateSigningKey("EdDSA", "key-2")], refreshTokenMode: "stateless", now: clock.now });
    endpoint.serveKeysOf(rotated);
    await expect(verifier.verifyAccessToken((await rotated.issue({ subject: "user-2" })).accessToken)).resolves.toMatchObject({ sub: "user-2" });
    expect(endpoint.fetches()).toBe(2);
  });

  it("honours Cache-Control max-age, bounded below by the cooldown and above by maxCacheAge", async () => {
    const cases = [
      { maxAge: 120, fresh: 119, stale: 121 },
      { maxAge: 5, fresh: 29, stale: 31 }, // raised to the 30 s cooldown
      { maxAge: 100_000, fresh: 599, stale: 601 }, // capped at the 10 min maxCacheAge
    ];
    for (const { maxAge, fresh, stale } of cases) {
      endpoint.serveKeysOf(manager, maxAge);
      const { verifier } = verifierOn({ cooldown: "30s", maxCacheAge: "10m" });
      const before = endpoint.fetches();
      await verifier.verifyAccessToken(await accessToken());
      clock.advance(fresh);
      await verifier.verifyAccessToken(await accessToken());
      expect(endpoint.fetches() - before, `max-age=${maxAge}, ${fresh} s later`).toBe(1);
      clock.advance(stale - fresh);
      await verifier.verifyAccessToken(await accessToken());
      expect(endpoint.fetches() - before, `max-age=${maxAge}, ${stale} s later`).toBe(2);
    }
  });

  it("a persistent cache lets a cold start verify without fetching", async () => {
    const saved = new Map<string, CachedJwks>();
    const cache = { get: (url: string) => saved.get(url), set: (url: string, entry: CachedJwks) => void saved.set(url, structuredClone(entry)) };
    await verifierOn({ cache }).verifier.verifyAccessToken(await accessToken());
    expect(endpoint.fetches()).toBe(1);
    expect([...saved.keys()]).toEqual([endpoint.url]);
    const coldStart = verifierOn({ cache });
    await expect(coldStart.verifier.verifyAccessToken(await accessToken())).resolves.toMatchObject({ sub: "user-1" });
    expect(endpoint.fetches()).toBe(1);
  });

  it("a failing cache is reported and costs only a fetch", async () => {
    const cache = { get: () => Promise.reject(new Error("kv down")), set: () => { throw new Error("kv full"); } };
    const { verifier, errors } = verifierOn({ cache });
    await expect(verifier.verifyAccessToken(await accessToken())).resolves.toMatchObject({ sub: "user-1" });
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining("reading the cache failed: kv down"), expect.stringContaining("saving to the cache failed: kv full")]);
  });
});

describe("an endpoint that fails", () => {
  it("keeps the last good set in use until maxStaleAge past its freshness, then answers key_set_unavailable", async () => {
    endpoint.serveKeysOf(manager, 600);
    const { verifier, errors } = verifierOn({ maxCacheAge: "10m", maxStaleAge: "1h" });
    await verifier.verifyAccessToken(await accessToken());
    endpoint.answer(() => new Response("down", { status: 500 }));
    clock.advance(10 * 60 + 1);
    await expect(verifier.verifyAccessToken(await accessToken())).resolves.toBeDefined();
    expect(errors[0]).toMatchObject({ code: "key_set_unavailable", message: expect.stringContaining("HTTP 500") });
    clock.advance(60 * 60 - 2);
    await expect(verifier.verifyAccessToken(await accessToken())).resolves.toBeDefined();
    clock.advance(2);
    await expect(verifier.verifyAccessToken(await accessToken())).rejects.toMatchObject({ code: "key_set_unavailable", status: 503, message: expect.stringContaining("HTTP 500") });
    endpoint.serveKeysOf(manager);
    clock.advance(31);
    await expect(verifier.verifyAccessToken(await accessToken())).resolves.toBeDefined();
  });

  it("on a cold start answers key_set_unavailable, and does not fetch again within the cooldown", async () => {
    endpoint.answer(() => new Response("down", { status: 503 }));
    const { verifier } = verifierOn();
    const token = await accessToken();
    const codes = await Promise.all(Array.from({ length: 20 }, () => errorCodeOf(() => verifier.verifyAccessToken(token))));
    expect(new Set(codes)).toEqual(new Set(["key_set_unavailable"]));
    expect(endpoint.fetches()).toBe(1);
  });

  it("that hangs is given up after the timeout", async () => {
    endpoint.hang();
    const { verifier } = verifierOn({ timeout: "1s" });
    const started = Date.now();
    await expect(verifier.verifyAccessToken(await accessToken())).rejects.toMatchObject({ code: "key_set_unavailable" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    { name: "a body that is not JSON", body: "<html>oops</html>" },
    { name: "an empty object", body: "{}" },
    { name: "keys that are not a list", body: '{"keys":"all of them"}' },
    { name: "an empty set", body: '{"keys":[]}' },
    { name: "a JSON array", body: "[]" },
    { name: "null", body: "null" },
    { name: "a set of 101 keys", body: JSON.stringify({ keys: Array(101).fill({ kty: "OKP" }) }) },
    { name: "a body over 1 MiB", body: JSON.stringify({ keys: [], padding: "x".repeat(1 << 20) }) },
  ])("answering $name is refused: key_set_unavailable", async ({ body }) => {
    endpoint.answer(() => new Response(body, { headers: { "content-type": "application/json" } }));
    const { verifier } = verifierOn();
    await expect(verifier.verifyAccessToken(await accessToken())).rejects.toMatchObject({ code: "key_set_unavailable", status: 503 });
  });

  it("with a redirect is not followed", async () => {
    endpoint.answer((request) => (new URL(request.url).pathname === "/moved" ? Response.json(manager.jwks()) : Response.redirect(`${endpoint.origin}/moved`, 302)));
    const { verifier } = verifierOn();
    await expect(verifier.verifyAccessToken(await accessToken())).rejects.toMatchObject({ code: "key_set_unavailable" });
  });
});

describe("keys a JWK Set may not be used for", () => {
  /** Our key, spoilt by `change`, published under its own kid beside an unrelated good key. */
  const SPOILT: { name: string; change: (jwk: Jwk) => Jwk; options?: RemoteJwksOptions }[] = [
    { name: 'use: "enc"', change: (jwk) => ({ ...jwk, use: "enc" }) },
    { name: 'key_ops: ["encrypt"]', change: (jwk) => ({ ...jwk, key_ops: ["encrypt"] }) },
    { name: "no alg (the token's alg is never trusted instead)", change: ({ alg: _alg, ...jwk }) => jwk },
    { name: "an alg its key type cannot have", change: (jwk) => ({ ...jwk, alg: "RS256" }) },
    { name: "a private member d", change: (jwk) => ({ ...jwk, d: jwk.x }) },
    { name: "an HMAC secret", change: (jwk) => ({ kty: "oct", k: jwk.x, kid: jwk.kid, alg: "HS256" }) },
    { name: "no kid", change: ({ kid: _kid, ...jwk }) => jwk },
  ];

  it.each(SPOILT)("a key with $name is ignored, and reported", async ({ change, options }) => {
    const ours = (await manager.jwks()).keys[0] as Jwk;
    const decoy = (await new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [await generateSigningKey("ES256", "decoy")], refreshTokenMode: "stateless" }).jwks()).keys[0] as Jwk;
    endpoint.serveKeysOf({ keys: [decoy, change(ours)] });
    const { verifier, errors } = verifierOn(options);
    await expect(verifier.verifyAccessToken(await accessToken())).rejects.toMatchObject({ code: "invalid_token", status: 401, claim: "kid" });
    expect(errors.some((error) => error.message.includes("ignored keys[1]"))).toBe(true);
  });

  it("a key of an algorithm outside the allow-list is ignored, and its tokens refused before any fetch", async () => {
    const { verifier } = verifierOn({ algorithms: ["ES256"] });
    await expect(verifier.verifyAccessToken(await accessToken())).rejects.toMatchObject({ code: "invalid_token", claim: "alg" });
    expect(endpoint.fetches()).toBe(0);
  });

  it("the unspoilt key verifies (the cases above fail for their spoiling alone)", async () => {
    const { verifier, errors } = verifierOn();
    await expect(verifier.verifyAccessToken(await accessToken())).resolves.toMatchObject({ sub: "user-1" });
    expect(errors).toEqual([]);
  });
});

describe("configuration", () => {
  it.each(["http://auth.example.com/jwks.json", "ftp://127.0.0.1/jwks.json", "not a url"])("refuses the URL %s", (url) => {
    expect(() => new RemoteJwks(url)).toThrow(expect.objectContaining({ code: "invalid_config", option: "url" }));
  });

  it.each([
    { name: "an unknown algorithm", options: { algorithms: ["HS256"] }, option: "algorithms" },
    { name: "a maxCacheAge under the cooldown", options: { cooldown: "1m", maxCacheAge: "30s" }, option: "maxCacheAge" },
    { name: "a zero timeout", options: { timeout: 0 }, option: "timeout" },
    { name: "a fetch that is no function", options: { fetch: "yes" }, option: "fetch" },
  ])("refuses $name", ({ options, option }) => {
    expect(() => new RemoteJwks("https://auth.example.com/jwks.json", options as RemoteJwksOptions)).toThrow(expect.objectContaining({ code: "invalid_config", option }));
  });

  it("accepts http: on loopback hosts", () => {
    for (const url of ["http://localhost:8080/jwks", "http://127.0.0.1/jwks", "http://[::1]:3000/jwks"]) expect(new RemoteJwks(url).url).toBe(new URL(url).href);
  });
});
