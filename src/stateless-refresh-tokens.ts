/**
 * Stateless refresh tokens (`refreshTokenMode: "stateless"`): self-contained JWTs that need no
 * store. Their own `typ` and audience keep them from ever passing as access tokens, and access
 * tokens from passing as them (RFC 8725 §3.11). They cannot be revoked.
 *
 * @module
 */
import { appClaimsOf, checkSessionClaims } from "./access-tokens.js";
import { InvalidRefreshTokenError, RefreshTokenExpiredError } from "./errors.js";
import { signSessionJwt, verifyJwt, type JwtContext, type SessionJwtInput } from "./lib/_jwt.js";
import type { JsonObject } from "./store.js";

/** The `typ` header of stateless refresh tokens. */
export const REFRESH_TOKEN_TYPE = "rt+jwt";

/** The claims a stateless refresh token carries: who, which session, and the app's claims. */
export interface StatelessRefreshClaims {
  subject: string;
  sessionId: string;
  claims: JsonObject;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * The refresh token's audience is the issuer itself: it is meant only for the token endpoint,
 * so even a verifier that ignored `typ` would refuse it as an access token.
 */
function refreshContext(context: JwtContext): JwtContext {
  return { ...context, audience: context.issuer };
}

/** Signs a stateless refresh token. Internal to the manager. */
export function signStatelessRefreshToken(context: JwtContext, input: SessionJwtInput): Promise<{ token: string; expiresAt: Date }> {
  return signSessionJwt(refreshContext(context), REFRESH_TOKEN_TYPE, input);
}

/**
 * Verifies a stateless refresh token.
 *
 * @throws {RefreshTokenExpiredError} `refresh_token_expired`
 * @throws {InvalidRefreshTokenError} `invalid_refresh_token` for anything else wrong
 */
export async function verifyStatelessRefreshToken(context: JwtContext, token: unknown): Promise<StatelessRefreshClaims> {
  const result = await verifyJwt(refreshContext(context), token, REFRESH_TOKEN_TYPE, ["sub", "jti", "sid"]);
  if ("failure" in result) {
    const { failure } = result;
    if (failure.reason === "expired") throw new RefreshTokenExpiredError(undefined, { cause: failure.cause });
    throw new InvalidRefreshTokenError(`Invalid refresh token: ${failure.message}`, { cause: failure.cause });
  }
  const { payload } = result;
  checkSessionClaims(payload, (message) => new InvalidRefreshTokenError(`Invalid refresh token: ${message}`));
  return {
    subject: payload.sub as string,
    sessionId: payload.sid as string,
    claims: appClaimsOf(payload),
    issuedAt: new Date((payload.iat as number) * 1000),
    expiresAt: new Date((payload.exp as number) * 1000),
  };
}
