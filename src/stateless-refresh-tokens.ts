/**
 * Stateless refresh tokens (`refreshTokenMode: "stateless"`): self-contained JWTs that need no
 * store. Their own `typ` and audience keep them from ever passing as access tokens, and access
 * tokens from passing as them (RFC 8725 §3.11). They cannot be revoked.
 *
 * @module
 */
import { appClaimsOf, checkAppClaims } from "./access-tokens.js";
import { InvalidRefreshTokenError, RefreshTokenExpiredError, SessionRevokedError } from "./errors.js";
import { isAbsentToken, MISSING_REFRESH_TOKEN } from "./lib/_absent-token.js";
import { signSessionJwt, verifyJwt, type JwtContext, type SessionJwtInput } from "./lib/_jwt.js";
import type { MintAccessToken, RefreshOutcome } from "./opaque-sessions.js";
import type { JsonObject, SessionRecord } from "./store.js";

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
 * so even a verifier that ignored `typ` would refuse it as an access token. Its context has no
 * verified-token cache: that cache holds access tokens only.
 */
function refreshContext(context: JwtContext): JwtContext {
  return { ...context, audience: context.issuer, maxTokenLifetimeSeconds: null, accessTokenCache: null };
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
  if (isAbsentToken(token)) throw new InvalidRefreshTokenError(MISSING_REFRESH_TOKEN);
  // Never through the access-token cache: a refresh token must not be kept where access tokens are found.
  const result = await verifyJwt(refreshContext(context), token, REFRESH_TOKEN_TYPE);
  if ("failure" in result) {
    const { failure } = result;
    if (failure.reason === "expired") throw new RefreshTokenExpiredError(undefined, { cause: failure.cause });
    if (failure.reason === "unavailable") throw failure.error;
    throw new InvalidRefreshTokenError(`Invalid refresh token: ${failure.message}`, { cause: failure.cause });
  }
  const { payload } = result;
  return {
    subject: payload.sub as string,
    sessionId: payload.sid as string,
    claims: appClaimsOf(payload),
    issuedAt: new Date((payload.iat as number) * 1000),
    expiresAt: new Date((payload.exp as number) * 1000),
  };
}

/**
 * A stateless refresh: verifies the refresh JWT, decides the claims of the next access token
 * (through `resolveClaims` when configured, which sees a session rebuilt from the token) and
 * mints it. The same refresh token is handed back: without state there is nothing to rotate.
 * Internal.
 *
 * @throws {RefreshTokenExpiredError} `refresh_token_expired`
 * @throws {InvalidRefreshTokenError} `invalid_refresh_token`
 * @throws {SessionRevokedError} `session_revoked` when `resolveClaims` refuses
 */
export async function refreshStatelessSession<Access>(
  context: JwtContext,
  token: unknown,
  resolveClaims: ((session: SessionRecord) => JsonObject | null | Promise<JsonObject | null>) | null,
  mint: MintAccessToken<Access>,
): Promise<RefreshOutcome<Access>> {
  const verified = await verifyStatelessRefreshToken(context, token);
  const session: SessionRecord = {
    id: verified.sessionId,
    subject: verified.subject,
    claims: verified.claims,
    metadata: {},
    createdAt: verified.issuedAt,
    lastUsedAt: context.now(),
    expiresAt: verified.expiresAt,
    revokedAt: null,
    issuer: context.issuer,
    audience: context.audience,
  };
  const claims = resolveClaims ? await resolveClaims(session) : verified.claims;
  if (claims === null) throw new SessionRevokedError("resolveClaims refused the session");
  const access = await mint(session, checkAppClaims(claims, "resolveClaims()"));
  return { token: token as string, expiresAt: verified.expiresAt, session, access };
}
