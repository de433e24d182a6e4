/**
 * The refresh and logout endpoints and the login response, on Web `Request`/`Response`: the one
 * place that decides where the refresh token travels, which requests may use the cookie and
 * what every answer looks like. The framework adapters only translate to and from it.
 *
 * @module
 */
import { isTokenwiseError } from "../errors.js";
import type { JsonShape } from "../json.js";
import type { TokenManager, TokenPair } from "../token-manager.js";
import { noStoreHeaders } from "./_challenge.js";
import { appendRefreshCookie, DEFAULT_REFRESH_COOKIE_NAME, readCookie, serializeClearedRefreshCookie, type RefreshCookieOptions } from "./cookies.js";
import { findRefreshToken, type ReadRefreshTokenOptions } from "./read-refresh-token.js";
import { checkAllowedOrigins, refuseCrossSite, type RequestOriginOptions } from "./request-origin.js";
import { tokenErrorResponse, tokenResponse, type TokenErrorOptions } from "./responses.js";

/** Options of {@link createAuthEndpoints}. */
export interface AuthEndpointsOptions extends RequestOriginOptions, TokenErrorOptions, Pick<ReadRefreshTokenOptions, "maxBodyBytes"> {
  /**
   * The refresh cookie, for browsers: login and cookie-borne refreshes set it, logout clears it.
   * `false` keeps the refresh token in JSON bodies only (native apps, servers).
   * @default {} — `__Secure-refresh_token`, `Path=/auth`, `HttpOnly; Secure; SameSite=Strict`
   */
  cookie?: RefreshCookieOptions | false;
}

/**
 * The handlers {@link createAuthEndpoints} returns, on Web `Request`s; the adapters give the
 * same handlers on their framework's request object (`Incoming`).
 */
export interface AuthEndpoints<Incoming = Request> {
  /**
   * The response of your login route, for a pair it issued after checking the credentials:
   * RFC 6749 §5.1, the refresh token in the cookie (or the body with `cookie: false`).
   */
  login: (pair: TokenPair) => Response;
  /**
   * `POST /auth/refresh`: rotates the refresh token from the cookie or the body and answers the
   * same way it came — a new cookie, or `refresh_token` in the body.
   */
  refresh: (request: Incoming) => Promise<Response>;
  /**
   * `POST /auth/logout`: revokes the session of the refresh token in the cookie or the body and
   * clears the cookie; 204 also when there was nothing to revoke, 503 when the store failed.
   */
  logout: (request: Incoming) => Promise<Response>;
}

/**
 * Creates the login response, refresh endpoint and logout endpoint of one manager. A request
 * that carries the refresh cookie must pass {@link verifyRequestOrigin} (403
 * `access_denied` otherwise); every answer has `Cache-Control: no-store`, and those that set
 * or clear the cookie `Vary: Cookie`. Mount refresh and logout under the cookie's path
 * (`/auth/refresh`, `/auth/logout` with the default `/auth`) so the browser sends it to both.
 *
 * @param tokens - the manager
 * @param options - cookie, allowed origins, error statuses, body limit
 * @returns `{ login, refresh, logout }`
 * @throws {InvalidConfigError} `invalid_config` for bad cookie options or allowed origins
 *
 * @example
 * ```ts
 * import { createAuthEndpoints } from "tokenwise/http";
 *
 * const auth = createAuthEndpoints(tokens, { allowedOrigins: ["https://app.example.com"] });
 * if (pathname === "/auth/refresh") return auth.refresh(request);
 * if (pathname === "/auth/logout") return auth.logout(request);
 * ```
 */
export function createAuthEndpoints<Claims extends JsonShape<Claims>>(tokens: TokenManager<Claims>, options: AuthEndpointsOptions = {}): AuthEndpoints {
  const cookie = options.cookie === false ? undefined : (options.cookie ?? {});
  const cleared = cookie && serializeClearedRefreshCookie(cookie); // also checks the cookie options now
  const cookieName = cookie?.name ?? DEFAULT_REFRESH_COOKIE_NAME;
  const allowedOrigins = checkAllowedOrigins(options.allowedOrigins ?? []);
  const reading: ReadRefreshTokenOptions = { from: cookie ? ["cookie", "body"] : ["body"], cookieName, ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}) };

  /** Only the cookie is an ambient credential another site could make the browser send. */
  const refuseForeignCookie = (request: Request): void => {
    if (cookie && readCookie(request, cookieName) !== null) refuseCrossSite(request, allowedOrigins);
  };

  return {
    login: (pair) => tokenResponse(pair, cookie ? { cookie } : {}),
    async refresh(request) {
      try {
        refuseForeignCookie(request);
        const found = await findRefreshToken(request, reading);
        return tokenResponse(await tokens.refresh(found.token), found.source === "cookie" ? { cookie } : {});
      } catch (error) {
        return tokenErrorResponse(error, options);
      }
    },
    async logout(request) {
      try {
        refuseForeignCookie(request);
        const found = await findRefreshToken(request, reading).catch(() => null);
        if (found) await tokens.revoke(found.token).catch(unlessStoreFailed);
      } catch (error) {
        return tokenErrorResponse(error, options);
      }
      const headers = noStoreHeaders();
      if (cleared) appendRefreshCookie(headers, cleared);
      return new Response(null, { status: 204, headers });
    },
  };
}

/**
 * The same endpoints on a framework's request object, translated by `toRequest`. Internal: what
 * an adapter whose framework sends Web `Response`s as they are (Hono, Fastify) returns.
 *
 * @param endpoints - from {@link createAuthEndpoints}
 * @param toRequest - the Web `Request` of the framework's request
 * @returns the endpoints taking the framework's request
 */
export function acceptingRequestsFrom<Incoming>(endpoints: AuthEndpoints, toRequest: (incoming: Incoming) => Request): AuthEndpoints<Incoming> {
  return {
    login: endpoints.login,
    refresh: (incoming) => endpoints.refresh(toRequest(incoming)),
    logout: (incoming) => endpoints.logout(toRequest(incoming)),
  };
}

/**
 * Logout succeeds whatever the token was (malformed, unknown, stateless): the client is logged
 * out either way. Only a store failure is reported, so the client knows to retry.
 */
function unlessStoreFailed(error: unknown): false {
  if (isTokenwiseError(error) && error.code !== "store_error") return false;
  throw error;
}
