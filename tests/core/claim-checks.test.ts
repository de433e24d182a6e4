import { SignJWT } from "jose";
import { TokenManager } from "tokenwise";
import { describe, expect, it } from "vitest";
import { AUDIENCE, createHarness, ISSUER, TestClock } from "./fixtures.js";

const SECRET = new Uint8Array(32).fill(9);
const KID = "shared";

/** An HMAC manager, and a party that holds the same secret and signs whatever it likes. */
async function sharedSecret(options: { maxTokenLifetime?: `${number}h` } = {}) {
  const clock = new TestClock();
  const tokens = new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [{ alg: "HS256", kid: KID, secret: SECRET }], refreshTokenMode: "stateless", now: clock.now, ...options });
  const now = clock.now().getTime() / 1000;
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ sub: "u", sid: "s", jti: "j", iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: "HS256", kid: KID, typ: "at+jwt" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(SECRET);
  return { tokens, sign, now };
}

describe("claim checks on verification", () => {
  it("jti must be a non-empty string (RFC 7519 §4.1.7)", async () => {
    const { tokens, sign } = await sharedSecret();
    await expect(tokens.verifyAccessToken(await sign({ jti: "abc" }))).resolves.toMatchObject({ jti: "abc" });
    for (const jti of [42, { id: 1 }, ["a"], true, ""]) {
      await expect(tokens.verifyAccessToken(await sign({ jti })), JSON.stringify(jti)).rejects.toMatchObject({ code: "invalid_token", claim: "jti" });
    }
  });

  it("iat may not lie in the future beyond the clock tolerance", async () => {
    const { tokens, sign, now } = await sharedSecret();
    await expect(tokens.verifyAccessToken(await sign({ iat: now + 5 }))).resolves.toMatchObject({ sub: "u" });
    await expect(tokens.verifyAccessToken(await sign({ iat: now + 6 }))).rejects.toMatchObject({ code: "invalid_token", claim: "iat" });
  });

  it("maxTokenLifetime refuses tokens whose exp lies too far after iat", async () => {
    const { tokens, sign, now } = await sharedSecret({ maxTokenLifetime: "1h" });
    await expect(tokens.verifyAccessToken(await sign({ exp: now + 3600 }))).resolves.toMatchObject({ sub: "u" });
    await expect(tokens.verifyAccessToken(await sign({ exp: now + 3601 }))).rejects.toMatchObject({ code: "invalid_token", claim: "exp" });
    const unbounded = await sharedSecret();
    await expect(unbounded.tokens.verifyAccessToken(await unbounded.sign({ exp: now + 10 * 365 * 86_400 }))).resolves.toMatchObject({ sub: "u" });
  });

  it("maxTokenLifetime is a duration checked at construction", async () => {
    const bad = () => new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [{ alg: "HS256", secret: SECRET }], refreshTokenMode: "stateless", maxTokenLifetime: -1 });
    expect(bad).toThrow(expect.objectContaining({ code: "invalid_config", option: "maxTokenLifetime" }));
  });
});

describe("issue() accepts only plain JSON claims and metadata", () => {
  class Profile {
    name = "x";
  }
  const cases: [string, Record<string, unknown>, string][] = [
    ["a toJSON() method", { profile: { toJSON: () => "x" } }, "claims.profile.toJSON"],
    ["a function value", { callback: () => 1 }, "claims.callback"],
    ["a symbol value", { tag: Symbol("t") }, "claims.tag"],
    ["a symbol key", { nested: { [Symbol("k")]: 1 } }, "claims.nested"],
    ["a Date", { when: new Date(0) }, "claims.when"],
    ["a Map", { roles: new Map() }, "claims.roles"],
    ["a class instance", { profile: new Profile() }, "claims.profile"],
    ["NaN", { score: Number.NaN }, "claims.score"],
    ["Infinity in an array", { scores: [1, Number.POSITIVE_INFINITY] }, "claims.scores[1]"],
    ["a BigInt", { big: 1n }, "claims.big"],
    ["undefined", { maybe: undefined }, "claims.maybe"],
  ];
  for (const [what, claims, path] of cases) {
    it(`refuses ${what} with invalid_argument naming ${path}`, async () => {
      const { tokens, store } = await createHarness();
      const error = await tokens.issue({ subject: "u", claims }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "invalid_argument", message: expect.stringContaining(path) });
      expect(await store.listSessions("u", new Date())).toEqual([]);
    });
  }

  it("refuses a cyclic object and metadata that is not plain JSON", async () => {
    const { tokens } = await createHarness();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(tokens.issue({ subject: "u", claims: cyclic })).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(tokens.issue({ subject: "u", metadata: { seen: new Date() } })).rejects.toMatchObject({ code: "invalid_argument", message: expect.stringContaining("metadata.seen") });
  });

  it("accepts nested plain JSON, objects without a prototype included", async () => {
    const { tokens } = await createHarness();
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { deep: [{ a: null, b: true, c: 1.5, d: "x" }] });
    await expect(tokens.issue({ subject: "u", claims: { bare } })).resolves.toMatchObject({ subject: "u" });
  });
});

describe("issue() never mints a token its own verifier refuses", () => {
  it("refuses claims that would push the token past the 16 KiB cap, storing nothing", async () => {
    const { tokens, store } = await createHarness();
    await expect(tokens.issue({ subject: "u", claims: { blob: "x".repeat(11_000) } })).resolves.toMatchObject({ subject: "u" });
    const error = await tokens.issue({ subject: "v", claims: { blob: "x".repeat(20_000) } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "invalid_argument", argument: "claims", message: expect.stringContaining("16384") });
    expect(await store.listSessions("v", new Date())).toEqual([]);
  });

  it("a resolveClaims that grows the claims past the cap fails the refresh without spending the token", async () => {
    let grow = false;
    const { tokens } = await createHarness({ resolveClaims: () => (grow ? { blob: "x".repeat(20_000) } : {}) });
    const pair = await tokens.issue({ subject: "u" });
    grow = true;
    await expect(tokens.refresh(pair.refreshToken)).rejects.toMatchObject({ code: "invalid_argument" });
    grow = false;
    await expect(tokens.refresh(pair.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
  });
});
