/**
 * Signing and verifying the JWTs tokenwise issues (access tokens, stateless refresh tokens)
 * with every check RFC 8725 asks for. Internal: the manager is the public face.
 */
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from "jose";
import type { RandomBytes } from "../random.js";
import { InvalidArgumentError, InvalidConfigError, isTokenwiseError } from "../errors.js";
import type { ImportedKey } from "./_key-import.js";
import { UnknownKeyError, type KeySource } from "./_key-source.js";
import type { JsonObject } from "../store.js";
import { toBase64Url } from "./_bytes.js";
import { isCanonicalCompactJws } from "./_compact-form.js";

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
  const token = await new SignJWT({ ...input.claims, sid: input.sessionId })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ })
    .setIssuer(context.issuer)
    .setAudience(context.audience)
    .setSubject(input.subject)
    .setJti(toBase64Url(input.randomBytes(16)))
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key.signKey as CryptoKey);
  if (token.length > MAX_JWT_LENGTH) {
    throw new InvalidArgumentError("claims", `make a token of ${token.length} characters, above the ${MAX_JWT_LENGTH} that verification accepts`);
  }
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * Verifies a session-bound JWT of type `typ`: canonical compact form, algorithm pinned to the
 * key selected by `kid`, signature, `typ`, `iss`, `aud`, `exp`/`nbf` with the clock tolerance,
 * then the claims jose does not check itself: `sub`, `sid` and `jti` non-empty strings (RFC 7519
 * §4.1.7), `iat` not in the future, and `exp - iat` within `maxTokenLifetimeSeconds`.
 *
 * @returns the payload, or a {@link JwtFailure} — never throws. The payload is typed as our own
 *   `JsonObject`, not jose's `JWTPayload`: declarations naming a type of the ESM-only `jose` break
 *   CommonJS consumers under `moduleResolution: "node16"` (TS1479).
 */
export async function verifyJwt(context: VerifyContext, token: unknown, typ: string): Promise<{ payload: JsonObject } | { failure: JwtFailure }> {
  if (typeof token !== "string" || token.length === 0) return invalid("expected a JWT string");
  if (token.length > MAX_JWT_LENGTH) return invalid(`token longer than ${MAX_JWT_LENGTH} characters`);
  if (!isCanonicalCompactJws(token)) return invalid("not in canonical compact form (RFC 7515 §7.1)");
  const keys = context.keys;
  const now = context.now();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, (header: JWTHeaderParameters) => selectKey(keys, header), {
      algorithms: [...keys.algorithms],
      typ,
      issuer: context.issuer,
      audience: context.audience,
      requiredClaims: ["iat", "exp", "sub", "jti", "sid"],
      clockTolerance: context.clockToleranceSeconds,
      currentDate: now,
    }));
  } catch (error) {
    return { failure: describeFailure(error) };
  }
  const failure = checkSessionClaims(payload, context, Math.floor(now.getTime() / 1000));
  return failure ? { failure } : { payload };
}

/** The latest instant a `Date` can hold, in seconds: later times would become `Infinity` or an invalid `Date`. */
const MAX_TIME_SECONDS = 8.64e12;

/** The claim checks jose leaves to us; `undefined` when all pass. */
function checkSessionClaims(payload: JWTPayload, context: VerifyContext, nowSeconds: number): JwtFailure | undefined {
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

/** A token must name its key: `kid` is required, and only a key of the header's `alg` is looked up. */
function selectKey(keys: KeySource, header: JWTHeaderParameters): Promise<CryptoKey> {
  if (typeof header.kid !== "string") throw new UnknownKeyError(`the token names no key (kid ${JSON.stringify(header.kid)})`);
  // Key sources hold Web Crypto keys (typed structurally in public declarations); jose takes the DOM type.
  return Promise.resolve(keys.keyFor(header.kid, header.alg)) as Promise<CryptoKey>;
}

/** Maps `jose` errors by their stable `code`, never by message. */
function describeFailure(error: unknown): JwtFailure {
  if (error instanceof UnknownKeyError) return { reason: "invalid", message: error.message, claim: "kid", cause: error };
  // A key source that cannot reach its keys: the server's fault, reported as is (503).
  if (isTokenwiseError(error) && error.code === "key_set_unavailable") return { reason: "unavailable", error };
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case errors.JWTExpired.code:
      return { reason: "expired", cause: error };
    case errors.JWTClaimValidationFailed.code: {
      const claim = (error as errors.JWTClaimValidationFailed).claim;
      return { reason: "invalid", message: `claim ${JSON.stringify(claim)} check failed`, claim, cause: error };
    }
    case errors.JOSEAlgNotAllowed.code:
      return { reason: "invalid", message: "algorithm not allowed", claim: "alg", cause: error };
    case errors.JWSSignatureVerificationFailed.code:
      return { reason: "invalid", message: "signature verification failed", cause: error };
    default:
      return { reason: "invalid", message: "malformed token", cause: error };
  }
}

function invalid(message: string): { failure: JwtFailure } {
  return { failure: { reason: "invalid", message } };
}
