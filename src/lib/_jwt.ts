/**
 * Signing and verifying the JWTs tokenwise issues (access tokens, stateless refresh tokens)
 * with every check RFC 8725 asks for. Internal: the manager is the public face.
 */
import { cryptoBackend as backend } from "#crypto-backend";
import type { RandomBytes } from "../random.js";
import { InvalidArgumentError, InvalidConfigError } from "../errors.js";
import type { JsonObject } from "../store.js";
import type { ImportedKey } from "./_key-import.js";
import type { KeySource } from "./_key-source.js";
import type { VerifiedTokenCache } from "./_verified-token-cache.js";
import { toBase64Url } from "./_bytes.js";
import { isCanonicalCompactJws } from "./_compact-form.js";
import type { JwsVerification } from "./crypto/_backend.js";

/**
 * Longest token accepted before any parsing: bounds the work an attacker can cause. Signing
 * refuses to produce a longer token, so every token tokenwise issues also verifies.
 */
export const MAX_JWT_LENGTH = 16_384;

/**
 * What verification needs: whose tokens, for whom, checked against which keys. The manager and
 * every `TokenVerifier` issuer hold one each.
 */
export interface VerifyContext {
  issuer: string;
  audience: string;
  /** Where the key a token names is found; its algorithms are the only ones accepted (RFC 8725 §3.1). */
  keys: KeySource;
  clockToleranceSeconds: number;
  /** Largest accepted `exp - iat`, in seconds, or `null` for no bound. */
  maxTokenLifetimeSeconds: number | null;
  now: () => Date;
  /**
   * Where verified access tokens are kept for reuse, or `null` with the cache off. Contexts for
   * other kinds of token (stateless refresh tokens) set `null`.
   */
  accessTokenCache: VerifiedTokenCache | null;
}

/** What signing needs on top: the key that signs. The manager's context. */
export interface JwtContext extends VerifyContext {
  signingKey: ImportedKey;
}

/** How a verification failed: the manager turns this into the right typed error. */
export type JwtFailure =
  | { reason: "expired"; cause: unknown }
  | { reason: "unavailable"; error: Error }
  | { reason: "invalid"; message: string; claim?: string; cause?: unknown };

/** What a session-bound JWT (access token, stateless refresh token) is made of. */
export interface SessionJwtInput {
  subject: string;
  sessionId: string;
  claims: JsonObject;
  ttlSeconds: number;
  randomBytes: RandomBytes;
}

/**
 * Signs a session-bound JWT with the first key: header `alg`, `kid`, `typ`; claims `iss`, `aud`,
 * `sub`, `sid`, a random `jti`, `iat` now and `exp` after the TTL, plus the app's claims.
 */
export async function signSessionJwt(
  context: JwtContext,
  typ: string,
  input: SessionJwtInput,
): Promise<{ token: string; expiresAt: Date }> {
  const key = context.signingKey;
  if (!key.signKey) throw new InvalidConfigError("signingKeys", `key ${JSON.stringify(key.kid)} cannot sign: it has no private key`);
  const issuedAt = Math.floor(context.now().getTime() / 1000);
  const expiresAt = issuedAt + input.ttlSeconds;
  const payload = withRegisteredClaims(input.claims, {
    sid: input.sessionId,
    iss: context.issuer,
    aud: context.audience,
    sub: input.subject,
    jti: toBase64Url(input.randomBytes(16)),
    iat: issuedAt,
    exp: expiresAt,
  });
  const token = await backend.signJws(key.signKey, { alg: key.alg, kid: key.kid, typ }, payload);
  if (token.length > MAX_JWT_LENGTH) {
    throw new InvalidArgumentError("claims", `make a token of ${token.length} characters, above the ${MAX_JWT_LENGTH} that verification accepts`);
  }
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * The payload of a token: the app's claims, then the registered ones, in the order jose's
 * SignJWT writes them. `Object.assign`, not `{ ...claims, ...registered }`: V8 builds that
 * literal on a slow path (about 7 µs for 8 app claims on Node 20, more than an HMAC signature).
 * A `"__proto__"` member (`JSON.parse` makes one) would set the prototype under `Object.assign`
 * and vanish from the token, so such claims take the literal.
 */
function withRegisteredClaims(claims: JsonObject, registered: JsonObject): JsonObject {
  if (Object.hasOwn(claims, "__proto__")) return { ...claims, ...registered };
  return Object.assign({}, claims, registered);
}

/**
 * Verifies a session-bound JWT of type `typ`: canonical compact form, then the backend's checks
 * (algorithm pinned to the key selected by `kid`, signature, `typ`, `iss`, `aud`, `exp`/`nbf` with
 * the clock tolerance), then the claims jose does not check itself: `sub`, `sid` and `jti`
 * non-empty strings (RFC 7519 §4.1.7), `iat` not in the future, and `exp - iat` within
 * `maxTokenLifetimeSeconds`. With the context's `accessTokenCache`, a token verified before under
 * the same key set is answered from it while its time checks still pass, and what verifies is
 * kept there.
 *
 * @returns the payload (frozen when cached), or a {@link JwtFailure} — never throws. The payload
 *   is typed as our own `JsonObject`, not jose's `JWTPayload`: declarations naming a type of the
 *   ESM-only `jose` break CommonJS consumers under `moduleResolution: "node16"` (TS1479).
 */
export function verifyJwt(context: VerifyContext, token: unknown, typ: string): JwsVerification | Promise<JwsVerification> {
  if (typeof token !== "string" || token.length === 0) return invalid("expected a JWT string");
  if (token.length > MAX_JWT_LENGTH) return invalid(`token longer than ${MAX_JWT_LENGTH} characters`);
  const now = context.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const epoch = context.keys.epoch;
  const cache = context.accessTokenCache;
  const cached = cache?.get(token, epoch, nowSeconds, context.clockToleranceSeconds);
  if (cached) return { payload: cached };
  if (!isCanonicalCompactJws(token)) return invalid("not in canonical compact form (RFC 7515 §7.1)");
  const finish = (verified: JwsVerification): JwsVerification => {
    if ("failure" in verified) return verified;
    const failure = checkSessionClaims(verified.payload, context, nowSeconds);
    if (failure) return { failure };
    return cache ? { payload: cache.set(token, verified.payload, epoch, context.keys.epoch) } : verified;
  };
  const verified = backend.verifyJws(context, token, typ, now);
  return verified instanceof Promise ? verified.then(finish) : finish(verified);
}

/** The latest instant a `Date` can hold, in seconds: later times would become `Infinity` or an invalid `Date`. */
const MAX_TIME_SECONDS = 8.64e12;

/** The claim checks jose leaves to us; `undefined` when all pass. */
function checkSessionClaims(payload: JsonObject, context: VerifyContext, nowSeconds: number): JwtFailure | undefined {
  for (const claim of ["sub", "sid", "jti"]) {
    const value = payload[claim];
    if (typeof value !== "string" || value.length === 0) return claimFailure(claim, "must be a non-empty string");
  }
  for (const claim of ["iat", "exp", "nbf"]) {
    const value = payload[claim];
    if (value !== undefined && !(typeof value === "number" && Math.abs(value) <= MAX_TIME_SECONDS)) return claimFailure(claim, "must be a time a Date can hold");
  }
  const { iat, exp } = payload as { iat: number; exp: number };
  if (iat > nowSeconds + context.clockToleranceSeconds) return claimFailure("iat", "is in the future");
  const maxLifetime = context.maxTokenLifetimeSeconds;
  if (maxLifetime !== null && exp - iat > maxLifetime) return claimFailure("exp", `lies more than ${maxLifetime} seconds after "iat"`);
  return undefined;
}

function claimFailure(claim: string, problem: string): JwtFailure {
  return { reason: "invalid", message: `claim "${claim}" ${problem}`, claim };
}

function invalid(message: string): JwsVerification {
  return { failure: { reason: "invalid", message } };
}
