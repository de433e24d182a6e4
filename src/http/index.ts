/**
 * `tokenwise/http`: the glue between tokenwise and HTTP, on Web-standard `Request`,
 * `Response` and `Headers` — Node 20.19+, Deno, Bun and edge runtimes alike.
 *
 * @example
 * ```ts
 * import { requireAuth, readRefreshToken, tokenResponse, tokenErrorResponse } from "tokenwise/http";
 *
 * const auth = await requireAuth(request, tokens);
 * if (!auth.ok) return auth.response;
 * ```
 *
 * @module
 */
export { createAuthEndpoints, type AuthEndpoints, type AuthEndpointsOptions } from "./auth-endpoints.js";
export { parseBearerToken, type AuthorizationSource } from "./bearer.js";
export { readCookie, serializeClearedRefreshCookie, serializeRefreshCookie, type RefreshCookieOptions } from "./cookies.js";
export { jwksResponse, type JwksResponseOptions } from "./jwks-response.js";
export { readRefreshToken, type ReadRefreshTokenOptions, type RefreshTokenSource } from "./read-refresh-token.js";
export { verifyRequestOrigin, type RequestOriginOptions } from "./request-origin.js";
export type { Register, RegisteredAuth, RegisteredClaims } from "./register.js";
export { requireAuth, type AuthFailure, type AuthResult, type AuthSuccess, type RequireAuthOptions } from "./require-auth.js";
export {
  bearerErrorResponse,
  noStoreJson,
  tokenErrorResponse,
  tokenResponse,
  type BearerErrorOptions,
  type HeaderFields,
  type TokenErrorOptions,
  type TokenResponseOptions,
} from "./responses.js";
