/**
 * The native backend is jose at its strictest, proven by difference: tokens forged outside the
 * library — generated around the valid ones, signed right, wrong or not at all, then mutated as
 * text — are verified by both crypto backends with the same key source and clock. Whatever one
 * accepts the other accepts with the same claims; whatever one refuses the other refuses with
 * the same reason, message and claim. Every algorithm, sync and async key sources.
 */
import { constants, sign } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { isCanonicalCompactJws } from "../../src/lib/_compact-form.js";
import type { VerifyContext } from "../../src/lib/_jwt.js";
import { importSigningKeys, type ImportedKey } from "../../src/lib/_key-import.js";
import { staticKeySource, type KeySource } from "../../src/lib/_key-source.js";
import type { CryptoBackend, JwsVerification } from "../../src/lib/crypto/_backend.js";
import { cryptoBackend as nativeBackend } from "../../src/lib/crypto/_native.js";
import { cryptoBackend as webBackend } from "../../src/lib/crypto/_web.js";
import { AUDIENCE, ISSUER, TestClock } from "../core/fixtures.js";
import { ACCESS_TOKEN, claimsFor, headerFor, knownKey, segment, tokenSignedBy } from "./craft.js";
import { craftedTokenPlan, craftToken } from "./fuzz-crafted-tokens.js";
import { assertProperty, FUZZ_SCALE, FUZZ_SEED, fuzzKeys, fuzzTimeout, type FuzzAlgorithm } from "./fuzz-support.js";

/** HMAC carries the volume; the asymmetric algorithms sign slowly (RSA most) and get fewer runs. */
const ALGORITHMS: { alg: FuzzAlgorithm; runs: number }[] = [
  { alg: "HS256", runs: 8_000 },
  { alg: "HS384", runs: 2_000 },
  { alg: "HS512", runs: 2_000 },
  { alg: "ES256", runs: 2_500 },
  { alg: "ES384", runs: 1_500 },
  { alg: "EdDSA", runs: 2_500 },
  { alg: "RS256", runs: 1_500 },
  { alg: "PS256", runs: 1_000 },
];
/** Share of canonical tokens both must accept, or acceptance is not put to the test. */
const MIN_VALID_SHARE = 0.05;

const tally = { tokens: 0, canonical: 0, accepted: 0 };
afterAll(() => {
  console.info(`backend-differential: ${tally.tokens} tokens, ${tally.canonical} canonical, ${tally.accepted} accepted by both (FUZZ_SEED=${FUZZ_SEED})`);
});

/** The manager's key of `alg` as tokenwise imports it: what every key source holds. */
async function importedKey(alg: FuzzAlgorithm): Promise<ImportedKey> {
  const [key] = await importSigningKeys([(await fuzzKeys(alg)).signingKey]);
  return key as ImportedKey;
}

/** Answers as compared: the claims, or the failure without its `cause` (a jose error on one side only). */
function comparable(result: JwsVerification): unknown {
  if ("payload" in result) return { payload: result.payload };
  const { failure } = result;
  if (failure.reason === "unavailable") return { reason: failure.reason, code: (failure.error as { code?: unknown }).code };
  if (failure.reason === "expired") return { reason: failure.reason };
  return { reason: failure.reason, message: failure.message, claim: failure.claim };
}

/** The same keys answering through a promise, as a fetched JWK Set does. */
function answeringLater(source: KeySource): KeySource {
  return { algorithms: source.algorithms, epoch: source.epoch, keyFor: async (kid, alg) => source.keyFor(kid, alg) };
}

describe.each(ALGORITHMS)("$alg tokens forged outside tokenwise", ({ alg, runs }) => {
  it("verify alike on the native and the web backend: same claims, or same reason, message and claim", async () => {
    const keys = await fuzzKeys(alg);
    const clock = new TestClock();
    // Beside the algorithm's own key, an HS256 key under another kid: tokens may name either, with either algorithm.
    const [otherKey] = await importSigningKeys([{ alg: "HS256", secret: "a second key the source also holds", kid: "other-hs256" }]);
    const source = staticKeySource([await importedKey(alg), ...(alg === "HS256" ? [] : [otherKey as ImportedKey])]);
    const contextOf = (keySource: KeySource, clockToleranceSeconds: number): VerifyContext => ({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: keySource,
      clockToleranceSeconds,
      maxTokenLifetimeSeconds: null,
      now: clock.now,
      accessTokenCache: null,
    });
    const verifyOn = (backend: CryptoBackend, context: VerifyContext, token: string) => backend.verifyJws(context, token, "at+jwt", clock.now());
    let acceptedByBoth = 0;
    let canonical = 0;
    await assertProperty(
      fc.record({ plan: craftedTokenPlan, asyncKeys: fc.boolean(), tolerance: fc.constantFrom(0, 5, 60) }),
      async ({ plan, asyncKeys, tolerance }) => {
        tally.tokens++;
        const token = await craftToken(plan, { clock, keys });
        // Both backends start where the shared canonical-form check ends.
        if (!isCanonicalCompactJws(token)) return;
        canonical++;
        tally.canonical++;
        const context = contextOf(asyncKeys ? answeringLater(source) : source, tolerance);
        const [native, web] = await Promise.all([verifyOn(nativeBackend, context, token), verifyOn(webBackend, context, token)]);
        expect(comparable(native), token).toEqual(comparable(web));
        if ("payload" in native) {
          acceptedByBoth++;
          tally.accepted++;
        }
      },
      runs,
    );
    expect(acceptedByBoth, "enough forged tokens are valid that acceptance is put to the test").toBeGreaterThan(canonical * MIN_VALID_SHARE);
    expect(canonical, "most forged tokens reach the backends").toBeGreaterThan(runs * FUZZ_SCALE * 0.5);
  }, fuzzTimeout());
});

/** Algorithms whose signatures are a function of key and input (RFC 8032 §5.1.6, RFC 8017 §8.2): the same token on both backends. */
const DETERMINISTIC = new Set(["HS256", "HS384", "HS512", "EdDSA", "RS256"]);

describe.each(ALGORITHMS)("$alg tokens signed by the native backend", ({ alg }) => {
  it("are the tokens jose signs (byte for byte where signatures are deterministic), and verify on the web backend", async () => {
    const keys = await fuzzKeys(alg);
    const clock = new TestClock();
    const imported = await importedKey(alg);
    const signKey = imported.signKey as CryptoKey;
    const now = Math.floor(clock.now().getTime() / 1000);
    const context: VerifyContext = {
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: staticKeySource([imported]),
      clockToleranceSeconds: 5,
      maxTokenLifetimeSeconds: null,
      now: clock.now,
      accessTokenCache: null,
    };
    const claims = fc.dictionary(fc.string({ maxLength: 8 }).filter((name) => !["iss", "aud", "sub", "sid", "jti", "iat", "exp", "nbf", "__proto__"].includes(name)), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    await assertProperty(
      claims,
      async (extra) => {
        const payload = { ...extra, sid: "s", iss: ISSUER, aud: AUDIENCE, sub: "u", jti: "j", iat: now, exp: now + 60 };
        const header = { alg, kid: keys.kid, typ: "at+jwt" };
        const [native, web] = await Promise.all([nativeBackend.signJws(signKey, header, payload), webBackend.signJws(signKey, header, payload)]);
        if (DETERMINISTIC.has(alg)) expect(native).toBe(web);
        else expect(native.split(".").slice(0, 2)).toEqual(web.split(".").slice(0, 2));
        const verified = await webBackend.verifyJws(context, native, "at+jwt", clock.now());
        expect(verified).toEqual({ payload: JSON.parse(JSON.stringify(payload)) });
      },
      alg.startsWith("HS") ? 200 : 50,
    );
  }, fuzzTimeout());
});

describe("time claims at their boundaries, where a comparison off by one would show", () => {
  const TOLERANCES = [0, 1, 5, 60];
  const DELTAS = [-2, -1, -0.5, 0, 0.5, 1, 2];

  it.each(["HS256", "EdDSA"] as const)("%s: exp, nbf and iat around now ± the tolerance verify alike on both backends", async (alg) => {
    const keys = await fuzzKeys(alg);
    const clock = new TestClock();
    const now = Math.floor(clock.now().getTime() / 1000);
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
    const imported = await importedKey(alg);
    let compared = 0;
    for (const tolerance of TOLERANCES) {
      const context: VerifyContext = {
        issuer: ISSUER,
        audience: AUDIENCE,
        keys: staticKeySource([imported]),
        clockToleranceSeconds: tolerance,
        maxTokenLifetimeSeconds: null,
        now: clock.now,
        accessTokenCache: null,
      };
      for (const delta of DELTAS) {
        // exp is checked against now - tolerance, nbf (and tokenwise's iat) against now + tolerance.
        for (const times of [{ iat: now - 100, exp: now - tolerance + delta }, { iat: now - 100, exp: now + 100, nbf: now + tolerance + delta }, { iat: now + tolerance + delta, exp: now + 100 }]) {
          const input = `${encode({ alg, kid: keys.kid, typ: "at+jwt" })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: "u", sid: "s", jti: "j", ...times })}`;
          const token = `${input}.${Buffer.from(await keys.right.sign(new TextEncoder().encode(input))).toString("base64url")}`;
          const [native, web] = await Promise.all([nativeBackend.verifyJws(context, token, "at+jwt", clock.now()), webBackend.verifyJws(context, token, "at+jwt", clock.now())]);
          expect(comparable(native), JSON.stringify({ tolerance, ...times })).toEqual(comparable(web));
          compared++;
        }
      }
    }
    expect(compared).toBe(TOLERANCES.length * DELTAS.length * 3);
  });
});

describe("signatures in a form the algorithm does not allow are refused by both backends", () => {
  /** A genuine key's signature over the genuine input, computed the wrong way. */
  const VARIANTS: { alg: string; name: string; sign: (input: Buffer, key: Parameters<typeof sign>[2]) => Buffer }[] = [
    ...[0, 20, 64].map((saltLength) => ({
      alg: "PS256",
      name: `PSS with a salt of ${saltLength} bytes (RFC 7518 §3.5 asks for 32)`,
      sign: (input: Buffer, key: Parameters<typeof sign>[2]) => sign("sha256", input, { key: key as never, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }),
    })),
    { alg: "PS256", name: "PKCS#1 v1.5 under a PS256 header", sign: (input, key) => sign("sha256", input, key) },
    { alg: "RS256", name: "PSS under an RS256 header", sign: (input, key) => sign("sha256", input, { key: key as never, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }) },
    { alg: "ES256", name: "ECDSA in DER instead of R‖S (RFC 7518 §3.4)", sign: (input, key) => sign("sha256", input, key) },
    { alg: "ES256", name: "ECDSA over SHA-384", sign: (input, key) => sign("sha384", input, { key: key as never, dsaEncoding: "ieee-p1363" }) },
  ];

  it.each(VARIANTS)("$alg: $name", async ({ alg, sign: signWrongly }) => {
    const known = knownKey(alg);
    const [imported] = await importSigningKeys([known.signingKey]);
    const clock = new TestClock();
    const context: VerifyContext = {
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: staticKeySource([imported as ImportedKey]),
      clockToleranceSeconds: 5,
      maxTokenLifetimeSeconds: null,
      now: clock.now,
      accessTokenCache: null,
    };
    const input = `${segment(headerFor(ACCESS_TOKEN, known))}.${segment(claimsFor(ACCESS_TOKEN, clock))}`;
    const token = `${input}.${signWrongly(Buffer.from(input), known.signer as never).toString("base64url")}`;
    const refused = { reason: "invalid", message: "signature verification failed", claim: undefined };
    const control = tokenSignedBy(ACCESS_TOKEN, known, clock);
    for (const backend of [nativeBackend, webBackend]) {
      expect(await backend.verifyJws(context, control, "at+jwt", clock.now()), `${backend.name}: signed the right way`).toHaveProperty("payload");
      expect(comparable(await backend.verifyJws(context, token, "at+jwt", clock.now())), backend.name).toEqual(refused);
    }
  });
});
