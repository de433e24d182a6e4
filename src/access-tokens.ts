/**
 * Access tokens: JWTs in the RFC 9068 profile — header `typ: "at+jwt"` and `kid`; claims
 * `iss`, `aud`, `sub`, `iat`, `exp`, `jti`, `sid`, plus the app's own claims.
 *
 * @module
 */
import { InvalidArgumentError, InvalidTokenError, TokenExpiredError } from "./errors.js";
import { isAbsentToken } from "./lib/_absent-token.js";
import { signSessionJwt, verifyJwt, type JwtContext, type SessionJwtInput, type VerifyContext } from "./lib/_jwt.js";
import { findNonJson } from "./lib/_plain-json.js";
import type { JwsVerification } from "./lib/crypto/_backend.js";
import type { JsonShape } from "./json.js";
import type { JsonObject } from "./store.js";

/** The `typ` header of access tokens (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/** Claims tokenwise sets itself; app claims may not use these names. */
export const RESERVED_CLAIMS: readonly string[] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid"];

/** The registered claims of every access token tokenwise issues. */
export interface AccessTokenClaims {
  /** Issuer: the manager's `issuer`. */
  iss: string;
  /** Subject: who the token is about. */
  sub: string;
  /** Audience: the manager's `audience`. */
  aud: string | string[];
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
  /** Unique token id. */
  jti: string;
  /** Session id: the login this token belongs to. */
  sid: string;
}

/** A verified access token's claims: the registered ones and the app's. */
export type VerifiedAccessToken<Claims extends JsonShape<Claims> = JsonObject> = AccessTokenClaims & Claims;

/** Options of `verifyAccessToken`. */
export interface VerifyOptions {
  /**
   * Also look the session up and reject tokens whose session was revoked or has ended — one
   * store read, for sensitive routes. Needs a store (`TokenManager`) or the `checkSession`
   * option (`TokenVerifier`).
   * @default false
   */
  checkSession?: boolean;
}

/**
 * What verifies access tokens: a `TokenManager` in the auth server, a `TokenVerifier` anywhere
 * else. The HTTP helpers and framework adapters take either.
 *
 * @typeParam Claims - the app's own claims
 */
export interface AccessTokenVerifier<Claims extends JsonShape<Claims> = JsonObject> {
  /**
   * Verifies an access token and returns its claims.
   *
   * @param token - the JWT as presented; any value is accepted and checked
   * @param options - `checkSession`
   * @returns the verified claims
   */
  verifyAccessToken(token: unknown, options?: VerifyOptions): Promise<VerifiedAccessToken<Claims>>;
}

/**
 * Checks app claims before they are signed: a plain object of plain JSON values (no `toJSON`,
 * functions, symbols, class instances or non-finite numbers) using no reserved name.
 *
 * @throws {InvalidArgumentError} `invalid_argument` naming the offending claim or path
 */
export function checkAppClaims(claims: unknown, argument: string): JsonObject {
  if (claims === undefined) return {};
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    throw new InvalidArgumentError(argument, "expected a plain object of claims");
  }
  for (const name of RESERVED_CLAIMS) {
    if (Object.hasOwn(claims, name)) {
      throw new InvalidArgumentError(`${argument}.${name}`, "is a registered claim set by tokenwise and cannot be overridden");
    }
  }
  const problem = findNonJson(claims, argument);
  if (problem) throw new InvalidArgumentError(argument, `must hold plain JSON values only: ${problem}`);
  return claims as JsonObject;
}

/** Signs an access token for a session. Internal to the manager. */
export function signAccessToken(context: JwtContext, input: SessionJwtInput): Promise<{ token: string; expiresAt: Date }> {
  return signSessionJwt(context, ACCESS_TOKEN_TYPE, input);
}

/**
 * Verifies an access token: the one path of the manager and of `TokenVerifier`, which add the
 * session check (on cache hits too: it runs after this). Through the context's verified-token
 * cache when it has one. Internal.
 *
 * @returns the claims; synchronously when the key and the backend allow, saving the promise
 * @throws {TokenExpiredError} `token_expired`
 * @throws {InvalidTokenError} `invalid_token` for anything else wrong
 * @throws {KeySetUnavailableError} `key_set_unavailable` when the key source cannot reach its keys
 */
export function verifyAccessTokenJwt<Claims extends JsonShape<Claims>>(
  context: VerifyContext,
  token: unknown,
): VerifiedAccessToken<Claims> | Promise<VerifiedAccessToken<Claims>> {
  if (isAbsentToken(token)) throw new InvalidTokenError("The access token is missing");
  const result = verifyJwt(context, token, ACCESS_TOKEN_TYPE);
  return result instanceof Promise ? result.then(accessTokenOf<Claims>) : accessTokenOf<Claims>(result);
}

function accessTokenOf<Claims extends JsonShape<Claims>>(result: JwsVerification): VerifiedAccessToken<Claims> {
  if ("failure" in result) {
    const { failure } = result;
    if (failure.reason === "expired") throw new TokenExpiredError(undefined, { cause: failure.cause });
    if (failure.reason === "unavailable") throw failure.error;
    throw new InvalidTokenError(`Invalid access token: ${failure.message}`, { cause: failure.cause, claim: failure.claim });
  }
  return result.payload as VerifiedAccessToken<Claims>;
}

/** The app's claims of a verified token: everything but the registered claims. */
export function appClaimsOf(payload: JsonObject): JsonObject {
  const claims: JsonObject = { ...payload };
  for (const name of RESERVED_CLAIMS) delete claims[name];
  return claims;
}
