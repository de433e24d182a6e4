/**
 * Building tokens the way an attacker would, outside tokenwise: header and payload JSON written
 * by hand, signatures computed with node:crypto, keys the test generates and so knows. Nothing
 * here calls the library's signing code.
 */
import { constants, createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type { JsonObject, SigningKey, TokenManager, TokenManagerOptions } from "tokenwise";
import { AUDIENCE, createHarness, ISSUER, verifierFor, type Harness, type TestClock } from "../core/fixtures.js";

/** The algorithms a manager is configured with in these attacks. */
export const MANAGER_ALGORITHMS = ["HS256", "ES256", "EdDSA", "RS256"] as const;
export const ASYMMETRIC_ALGORITHMS = ["ES256", "EdDSA", "RS256"] as const;
export type ManagerAlgorithm = (typeof MANAGER_ALGORITHMS)[number];

/** A key as the manager holds it, plus what node:crypto signs with. */
export interface KnownKey {
  alg: string;
  kid: string;
  /** The `signingKeys` entry for a manager. */
  signingKey: SigningKey;
  /** The private key, or the HMAC secret. */
  signer: KeyObject | Uint8Array;
}

const HMAC_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };
const KEY_PAIRS: Readonly<Record<string, () => { privateKey: KeyObject }>> = {
  ES256: () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
  ES384: () => generateKeyPairSync("ec", { namedCurve: "P-384" }),
  EdDSA: () => generateKeyPairSync("ed25519"),
  RS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  PS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
};
const knownKeys = new Map<string, KnownKey>();

/**
 * A key for `alg`, generated once per run and per owner: `"manager"` keys are configured into
 * managers, `"attacker"` keys never are.
 */
export function knownKey(alg: string, owner: "manager" | "attacker" = "manager"): KnownKey {
  const kid = `${owner}-${alg.toLowerCase()}`;
  let key = knownKeys.get(kid);
  if (!key) {
    key = generateKnownKey(alg, kid);
    knownKeys.set(kid, key);
  }
  return key;
}

function generateKnownKey(alg: string, kid: string): KnownKey {
  const hmacBytes = HMAC_BYTES[alg];
  if (hmacBytes !== undefined) {
    const secret = new Uint8Array(randomBytes(hmacBytes));
    return { alg, kid, signingKey: { alg, secret, kid } as SigningKey, signer: secret };
  }
  const generate = KEY_PAIRS[alg];
  if (!generate) throw new Error(`no key generator for ${alg}`);
  const { privateKey } = generate();
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { alg, kid, signingKey: { alg, privateKey: pem, kid } as SigningKey, signer: privateKey };
}

type Signer = (input: Buffer, key: KeyObject | Uint8Array | string) => Buffer;
const hmac = (hash: string): Signer => (input, key) => createHmac(hash, asSecret(key)).update(input).digest();
const ecdsa = (hash: string): Signer => (input, key) => sign(hash, input, { key: asPrivateKey(key), dsaEncoding: "ieee-p1363" });
const pkcs1 = (hash: string): Signer => (input, key) => sign(hash, input, asPrivateKey(key));
const pss = (hash: string, saltLength: number): Signer => (input, key) =>
  sign(hash, input, { key: asPrivateKey(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
const eddsa: Signer = (input, key) => sign(null, input, asPrivateKey(key));

/** JWS signatures (RFC 7518 §3, RFC 8037 §3.1, RFC 9864 for "Ed25519"). */
const SIGNERS: Readonly<Record<string, Signer>> = {
  HS256: hmac("sha256"),
  HS384: hmac("sha384"),
  HS512: hmac("sha512"),
  ES256: ecdsa("sha256"),
  ES384: ecdsa("sha384"),
  EdDSA: eddsa,
  Ed25519: eddsa,
  RS256: pkcs1("sha256"),
  RS384: pkcs1("sha384"),
  PS256: pss("sha256", 32),
};

/** The private key of an asymmetric key (for certificates and public JWKs). */
export function privateKeyOf(key: KnownKey): KeyObject {
  return asPrivateKey(key.signer);
}

function asSecret(key: KeyObject | Uint8Array | string): Uint8Array | string {
  if (typeof key === "string" || key instanceof Uint8Array) return key;
  throw new Error("an HMAC signature needs a secret, not a key pair");
}

function asPrivateKey(key: KeyObject | Uint8Array | string): KeyObject {
  if (typeof key === "string" || key instanceof Uint8Array) throw new Error("this signature needs a private key");
  return key;
}

/** One compact segment: base64url of JSON, or of raw text when given a string (e.g. `{"exp":1e400}`). */
export function segment(part: object | string): string {
  return Buffer.from(typeof part === "string" ? part : JSON.stringify(part)).toString("base64url");
}

export interface CraftOptions {
  header: Record<string, unknown>;
  /** Claims, or raw JSON text for payloads `JSON.stringify` cannot produce. */
  payload: Record<string, unknown> | string;
  /** What signs: a private key, or an HMAC secret in any encoding. */
  key: KeyObject | Uint8Array | string;
  /** The algorithm actually computed; defaults to the header's `alg`. */
  signAs?: string;
}

/** A compact JWS built by hand: whatever the header says, signed as `signAs` with `key`. */
export function craftToken({ header, payload, key, signAs }: CraftOptions): string {
  const alg = signAs ?? header.alg;
  const signer = typeof alg === "string" ? SIGNERS[alg] : undefined;
  if (!signer) throw new Error(`cannot sign as ${String(alg)}; pass signAs`);
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${signer(Buffer.from(input), key).toString("base64url")}`;
}

/** The kind of token under attack: what it must look like, where it is presented, how it is refused. */
export interface TokenKind {
  name: string;
  typ: string;
  audience: string;
  /** Presents the token to the manager: verification or a stateless refresh. */
  present: (tokens: TokenManager, token: unknown) => Promise<unknown>;
  invalid: "invalid_token" | "invalid_refresh_token";
  expired: "token_expired" | "refresh_token_expired";
  /** Whether the error names the failing claim (`InvalidTokenError.claim`). */
  namesClaim: boolean;
}

export const ACCESS_TOKEN: TokenKind = {
  name: "access token",
  typ: "at+jwt",
  audience: AUDIENCE,
  present: (tokens, token) => tokens.verifyAccessToken(token),
  invalid: "invalid_token",
  expired: "token_expired",
  namesClaim: true,
};

/** A stateless refresh token's audience is the issuer itself (see src/stateless-refresh-tokens.ts). */
export const STATELESS_REFRESH_TOKEN: TokenKind = {
  name: "stateless refresh token",
  typ: "rt+jwt",
  audience: ISSUER,
  present: (tokens, token) => tokens.refresh(token),
  invalid: "invalid_refresh_token",
  expired: "refresh_token_expired",
  namesClaim: false,
};

/** An access token presented to a `TokenVerifier` holding the manager's keys: one engine, the same refusals. */
export const ACCESS_TOKEN_AT_VERIFIER: TokenKind = {
  ...ACCESS_TOKEN,
  name: "access token at a TokenVerifier",
  present: (tokens, token) => verifierFor(tokens).verifyAccessToken(token),
};

export const TOKEN_KINDS: readonly TokenKind[] = [ACCESS_TOKEN, ACCESS_TOKEN_AT_VERIFIER, STATELESS_REFRESH_TOKEN];

/** Seconds since the epoch by the test clock. */
export function epochSeconds(clock: TestClock): number {
  return Math.floor(clock.now().getTime() / 1000);
}

/** A complete, valid claim set for `kind`; an override of `undefined` drops the claim. */
export function claimsFor(kind: TokenKind, clock: TestClock, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = epochSeconds(clock);
  return { iss: ISSUER, aud: kind.audience, sub: "attacker", sid: "session-1", jti: "jti-1", iat: now, exp: now + 300, ...overrides };
}

/** The header the manager itself would write for `key`; an override of `undefined` drops the parameter. */
export function headerFor(kind: TokenKind, key: KnownKey, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: key.alg, kid: key.kid, typ: kind.typ, ...overrides };
}

/** A token exactly as the manager would accept it, apart from the given changes, signed by `key`. */
export function tokenSignedBy(
  kind: TokenKind,
  key: KnownKey,
  clock: TestClock,
  changes: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): string {
  return craftToken({ header: headerFor(kind, key, changes.header), payload: claimsFor(kind, clock, changes.claims), key: key.signer });
}

/** A manager in stateless mode (so both token kinds can be presented) holding `keys`, the first one signing. */
export function attackedManager(keys: readonly KnownKey[], overrides: Partial<TokenManagerOptions> = {}): Promise<Harness<JsonObject>> {
  return createHarness({ signingKeys: keys.map((key) => key.signingKey), refreshTokenMode: "stateless", ...overrides });
}

const sharedManagers = new Map<string, Promise<Harness<JsonObject>>>();

/**
 * One {@link attackedManager} per set of keys for the whole file: for attacks that only present
 * tokens. Never advance its clock.
 */
export function managerHolding(...keys: readonly KnownKey[]): Promise<Harness<JsonObject>> {
  const id = keys.map((key) => key.kid).join(",");
  let harness = sharedManagers.get(id);
  if (!harness) {
    harness = attackedManager(keys);
    sharedManagers.set(id, harness);
  }
  return harness;
}

/** What a refusal of `kind` must look like: the kind's invalid code, 401, and the claim when the error names one. */
export function refusal(kind: TokenKind, claim?: string): Record<string, unknown> {
  return { code: kind.invalid, status: 401, ...(claim !== undefined && kind.namesClaim ? { claim } : {}) };
}
