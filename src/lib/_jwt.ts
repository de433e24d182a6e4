/**
 * Signing and verifying the JWTs tokenwise issues (access tokens, stateless refresh tokens)
 * with every check RFC 8725 asks for. Internal: the manager is the public face.
 */
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from "jose";
import type { RandomBytes } from "../random.js";
import type { ImportedKey } from "./_key-import.js";
import type { JsonObject } from "../store.js";
import { toBase64Url } from "./_bytes.js";

/** Longest token accepted before any parsing: bounds the work an attacker can cause. */
export const MAX_JWT_LENGTH = 16_384;

/** What signing and verification need from the manager's configuration. */
export interface JwtContext {
  issuer: string;
  audience: string;
  keys: readonly ImportedKey[];
  /** The algorithms of `keys`, the only ones verification accepts (RFC 8725 §3.1). */
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  now: () => Date;
}

/** Builds the context once the keys are imported; the manager keeps it for every call. */
export function createJwtContext(settings: Omit<JwtContext, "algorithms">): JwtContext {
  return { ...settings, algorithms: [...new Set(settings.keys.map((key) => key.alg))] };
}

/** How a verification failed: the manager turns this into the right typed error. */
export type JwtFailure =
  | { reason: "expired"; cause: unknown }
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
  const key = context.keys[0] as ImportedKey;
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
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * Verifies a JWT of type `typ`: algorithm pinned to the key selected by `kid`, signature,
 * `typ`, `iss`, `aud`, `exp`/`nbf` with the clock tolerance, and the required claims present.
 *
 * @returns the payload, or a {@link JwtFailure} — never throws
 */
export async function verifyJwt(
  context: JwtContext,
  token: unknown,
  typ: string,
  requiredClaims: readonly string[],
): Promise<{ payload: JWTPayload } | { failure: JwtFailure }> {
  if (typeof token !== "string" || token.length === 0) return invalid("expected a JWT string");
  if (token.length > MAX_JWT_LENGTH) return invalid(`token longer than ${MAX_JWT_LENGTH} characters`);
  const keys = context.keys;
  try {
    const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => selectKey(keys, header), {
      algorithms: [...context.algorithms],
      typ,
      issuer: context.issuer,
      audience: context.audience,
      requiredClaims: ["iat", "exp", ...requiredClaims],
      clockTolerance: context.clockToleranceSeconds,
      currentDate: context.now(),
    });
    return { payload };
  } catch (error) {
    return { failure: describeFailure(error) };
  }
}

class UnknownKeyError extends Error {}

function selectKey(keys: readonly ImportedKey[], header: JWTHeaderParameters): CryptoKey {
  const key = keys.find((candidate) => candidate.kid === header.kid && candidate.alg === header.alg);
  if (!key) throw new UnknownKeyError(`no configured key has kid ${JSON.stringify(header.kid)} and alg ${JSON.stringify(header.alg)}`);
  return key.verifyKey;
}

/** Maps `jose` errors by their stable `code`, never by message. */
function describeFailure(error: unknown): JwtFailure {
  if (error instanceof UnknownKeyError) return { reason: "invalid", message: error.message, claim: "kid", cause: error };
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
