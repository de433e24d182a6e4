/**
 * JWTs forged outside tokenwise: headers and claims drawn around the valid ones, encoded by
 * hand (duplicate members, non-JSON), signed with the right key, a wrong key, no key or a
 * public key used as an HMAC secret, then possibly mutated as text.
 */
import fc from "fast-check";
import { AUDIENCE, ISSUER } from "../core/fixtures.js";
import { applyMutations, base64UrlChar, mutations, occasionally, type Mutation } from "./fuzz-arbitraries.js";
import { hmacCraftingKey, SUBJECT, type FuzzHarness } from "./fuzz-support.js";

/** What becomes of one header parameter or claim of the valid token. */
export type Field =
  | { kind: "keep" }
  | { kind: "omit" }
  | { kind: "set"; value: unknown }
  /** A near miss of the valid string: other case, trailing space, wrapped in an array, … */
  | { kind: "respell"; how: "upper" | "space" | "array" | "slash" | "application" }
  /** A time claim moved by this many seconds (for `nbf`, absent when valid: from now). */
  | { kind: "shift"; seconds: number };

/** How a JSON part is written before base64url. */
export type Encoding = { kind: "json" } | { kind: "duplicate"; member: string; value: unknown } | { kind: "raw"; text: string };

export type Signer =
  | { kind: "right" }
  | { kind: "wrong-key" }
  | { kind: "none" }
  | { kind: "empty" }
  | { kind: "garbage"; text: string }
  /** HS256 keyed with public information (the PEM public key, or the kid): algorithm confusion. */
  | { kind: "hmac-with-public-key" };

const HEADER_FIELDS = ["alg", "kid", "typ"] as const;
const CLAIM_FIELDS = ["iss", "aud", "sub", "jti", "sid"] as const;
const TIME_FIELDS = ["iat", "exp", "nbf"] as const;

export interface CraftedTokenPlan {
  header: Record<(typeof HEADER_FIELDS)[number], Field>;
  extraHeader: Record<string, unknown> | null;
  claims: Record<(typeof CLAIM_FIELDS)[number] | (typeof TIME_FIELDS)[number], Field>;
  extraClaims: Record<string, unknown> | null;
  headerEncoding: Encoding;
  payloadEncoding: Encoding;
  signer: Signer;
  mutations: Mutation[] | null;
}

const NEAR_VALUES: unknown[] = [
  "", null, 0, -1, 1, true, [], {}, " ", "none", "HS256", "HS384", "EdDSA", "ES256", "RS256",
  "at+jwt", "JWT", "rt+jwt", AUDIENCE, ISSUER, 1e300, "1767225600",
];
/** Offsets around the clock tolerance (5 s) and the TTL (900 s), and far ones. */
const shiftSeconds = fc.oneof(fc.constantFrom(-901, -900, -899, -6, -5, -4, -1, 0, 0.5, 1, 4, 5, 6, 899, 901), fc.integer({ min: -1e7, max: 1e7 }));

function field(options: { time: boolean }): fc.Arbitrary<Field> {
  return fc.oneof(
    { weight: 40, arbitrary: fc.constant<Field>({ kind: "keep" }) },
    { weight: 1, arbitrary: fc.constant<Field>({ kind: "omit" }) },
    { weight: 2, arbitrary: fc.constantFrom("upper" as const, "space" as const, "array" as const, "slash" as const, "application" as const).map((how): Field => ({ kind: "respell", how })) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...NEAR_VALUES), fc.jsonValue({ maxDepth: 1 })).map((value): Field => ({ kind: "set", value })) },
    ...(options.time ? [{ weight: 4, arbitrary: shiftSeconds.map((seconds): Field => ({ kind: "shift", seconds })) }] : []),
  );
}

function fields<K extends string>(names: readonly K[], timeNames: readonly string[] = []): fc.Arbitrary<Record<K, Field>> {
  const model = Object.fromEntries(names.map((name) => [name, field({ time: timeNames.includes(name) })])) as { [name in K]: fc.Arbitrary<Field> };
  return fc.record(model) as fc.Arbitrary<Record<K, Field>>;
}

const MEMBER_NAMES = ["alg", "typ", "kid", "crit", "b64", "iss", "aud", "sub", "exp", "iat", "nbf", "sid", "__proto__"];
/** Header parameters with meaning to a JWS library: `crit`, unencoded payloads, embedded keys. */
const headerExtras = fc.oneof(
  fc.constantFrom<Record<string, unknown>>(
    { crit: ["b64"], b64: false },
    { crit: ["b64"], b64: true },
    { crit: ["exp"] },
    { crit: [] },
    { crit: "b64" },
    { b64: false },
    { jwk: { kty: "oct", k: "AAAA" } },
    { jku: "https://attacker.example/jwks.json" },
    { zip: "DEF" },
    { cty: "JWT" },
    { enc: "A128GCM" },
  ),
  fc.dictionary(fc.oneof(fc.constantFrom(...MEMBER_NAMES), fc.string({ maxLength: 5 })), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
);
const claimExtras = fc.dictionary(fc.oneof(fc.constantFrom(...MEMBER_NAMES), fc.string({ maxLength: 5 })), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 20, arbitrary: fc.constant<Encoding>({ kind: "json" }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), member: fc.constantFrom(...MEMBER_NAMES), value: fc.constantFrom(...NEAR_VALUES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("raw" as const), text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("[]", "null", "1", '"x"', "{}", '{"alg":"none"}', "{", "\ufeff{}")) }) },
);

const signer: fc.Arbitrary<Signer> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Signer>({ kind: "right" }) },
  { weight: 1, arbitrary: fc.constant<Signer>({ kind: "wrong-key" }) },
  { weight: 1, arbitrary: fc.constant<Signer>({ kind: "none" }) },
  { weight: 1, arbitrary: fc.constant<Signer>({ kind: "empty" }) },
  { weight: 1, arbitrary: fc.string({ unit: base64UrlChar, maxLength: 90 }).map((text): Signer => ({ kind: "garbage", text })) },
  { weight: 1, arbitrary: fc.constant<Signer>({ kind: "hmac-with-public-key" }) },
);

export const craftedTokenPlan: fc.Arbitrary<CraftedTokenPlan> = fc.record({
  header: fields(HEADER_FIELDS),
  extraHeader: occasionally(headerExtras, 8),
  claims: fields([...CLAIM_FIELDS, ...TIME_FIELDS], TIME_FIELDS),
  extraClaims: occasionally(claimExtras, 4),
  headerEncoding: encoding,
  payloadEncoding: encoding,
  signer,
  mutations: occasionally(mutations, 4),
});

const base64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString("base64url");

/** Forges the token `plan` describes, against `harness`'s issuer, audience, key and clock. */
export async function craftToken(plan: CraftedTokenPlan, harness: Pick<FuzzHarness, "clock" | "keys">): Promise<string> {
  const now = Math.floor(harness.clock.now().getTime() / 1000);
  const header = { ...build({ alg: harness.keys.right.alg, kid: harness.keys.kid, typ: "at+jwt" }, plan.header, now), ...plan.extraHeader };
  if (plan.signer.kind === "none") header.alg = "none";
  if (plan.signer.kind === "hmac-with-public-key") header.alg = "HS256";
  const valid = { iss: ISSUER, aud: AUDIENCE, sub: SUBJECT, jti: "fuzz-jti", sid: "fuzz-sid", iat: now, exp: now + 900, nbf: undefined };
  const payload = { role: "reader", ...build(valid, plan.claims, now), ...plan.extraClaims };
  const signingInput = `${encode(header, plan.headerEncoding)}.${encode(payload, plan.payloadEncoding)}`;
  const token = `${signingInput}.${await sign(plan.signer, signingInput, harness)}`;
  return plan.mutations ? applyMutations(token, plan.mutations) : token;
}

function build(valid: Record<string, unknown>, plan: Record<string, Field>, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, validValue] of Object.entries(valid)) {
    const value = apply(plan[name] ?? { kind: "keep" }, validValue, now);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function apply(change: Field, valid: unknown, now: number): unknown {
  switch (change.kind) {
    case "keep":
      return valid;
    case "omit":
      return undefined;
    case "set":
      return change.value;
    case "shift":
      return (typeof valid === "number" ? valid : now) + change.seconds;
    case "respell":
      return typeof valid === "string" ? respell(valid, change.how) : valid;
  }
}

function respell(text: string, how: "upper" | "space" | "array" | "slash" | "application"): unknown {
  if (how === "upper") return text.toUpperCase();
  if (how === "space") return `${text} `;
  if (how === "array") return [text];
  if (how === "slash") return `${text}/`;
  return `application/${text}`;
}

function encode(value: Record<string, unknown>, how: Encoding): string {
  if (how.kind === "raw") return base64url(how.text);
  const json = JSON.stringify(value);
  if (how.kind === "json") return base64url(json);
  const duplicate = `${JSON.stringify(how.member)}:${JSON.stringify(how.value)}`;
  return base64url(json === "{}" ? `{${duplicate}}` : `${json.slice(0, -1)},${duplicate}}`);
}

async function sign(how: Signer, signingInput: string, harness: Pick<FuzzHarness, "keys">): Promise<string> {
  const data = new TextEncoder().encode(signingInput);
  const { right, wrong } = harness.keys;
  switch (how.kind) {
    case "right":
      return base64url(await right.sign(data));
    case "wrong-key":
      return base64url(await wrong.sign(data));
    case "none":
    case "empty":
      return "";
    case "garbage":
      return how.text;
    case "hmac-with-public-key": {
      const confused = await hmacCraftingKey(new TextEncoder().encode(right.publicPem ?? harness.keys.kid));
      return base64url(await confused.sign(data));
    }
  }
}
