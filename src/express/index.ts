/**
 * `tokenwise/express`: authentication middleware, the refresh and logout routes and error
 * mapping for Express 4 and 5, and serving any Web-standard handler with bare `node:http`.
 * Every rule is `tokenwise/http`'s; this module only translates Node's request and response.
 *
 * @example
 * ```ts
 * import { authenticate, authRoutes } from "tokenwise/express";
 *
 * const auth = authRoutes(tokens);
 * app.post("/auth/refresh", auth.refresh);
 * app.post("/auth/logout", auth.logout);
 * app.get("/api/me", authenticate(tokens), (req, res) => res.json({ user: req.auth?.sub }));
 * ```
 *
 * @module
 */
import { isTokenwiseError } from "../errors.js";
import { createAuthEndpoints, type AuthEndpointsOptions } from "../http/auth-endpoints.js";
import type { RegisteredAuth } from "../http/register.js";
import { requireAuth, type RequireAuthOptions } from "../http/require-auth.js";
import { bearerErrorResponse, type BearerErrorOptions } from "../http/responses.js";
import type { AccessTokenVerifier } from "../access-tokens.js";
import type { JsonShape } from "../json.js";
import type { TokenManager, TokenPair } from "../token-manager.js";
import { headersOf, sendWebResponse, toNodeHandler, type NodeRequest, type NodeResponse } from "./node-bridge.js";

export { sendWebResponse, toNodeHandler, toWebRequest, type NodeRequest, type NodeResponse, type WebHandler } from "./node-bridge.js";

declare global {
  // Express types its request through this global namespace (as passport's `req.user` does).
  namespace Express {
    interface Request {
      /** The verified access token, set by `authenticate()` of `tokenwise/express`; its claims are `Register`'s of `tokenwise/http`. */
      auth?: RegisteredAuth;
    }
  }
}

/** Express's `next`: pass an error on, or go on to the next handler. */
export type NextFunction = (error?: unknown) => void;

/** A middleware or route handler, Express-shaped and typed on Node's objects. */
export type NodeMiddleware = (req: NodeRequest, res: NodeResponse, next: NextFunction) => void;

/**
 * Middleware that lets a request through only with a valid Bearer token and sets `req.auth` to
 * its claims; answers like `requireAuth` of `tokenwise/http` otherwise (401 with
 * `WWW-Authenticate`, 403 `insufficient_scope`, 400, 503). Reads headers only, so body parsers
 * after it still see the body.
 *
 * @param tokens - the manager that issued the tokens
 * @param options - `checkSession`, `scopes`, `authorize`, `realm` (defaults: no session read, no scopes)
 * @returns the middleware
 *
 * @example
 * ```ts
 * import { authenticate } from "tokenwise/express";
 *
 * app.get("/api/orders", authenticate(tokens, { scopes: ["orders:read"] }), (req, res) => res.json(listOrders(req.auth!.sub)));
 * ```
 */
export function authenticate<Claims extends JsonShape<Claims>>(tokens: AccessTokenVerifier<Claims>, options: RequireAuthOptions<Claims> = {}): NodeMiddleware {
  return (req, res, next) => {
    requireAuth(headersOf(req), tokens, options)
      .then((auth) => {
        if (!auth.ok) return sendWebResponse(res, auth.response);
        (req as NodeRequest & { auth: unknown }).auth = auth.claims;
        next();
      })
      .catch(next);
  };
}

/** The handlers {@link authRoutes} returns. */
export interface AuthRoutes {
  /** `POST /auth/refresh`. */
  refresh: (req: NodeRequest, res: NodeResponse) => Promise<void>;
  /** `POST /auth/logout`. */
  logout: (req: NodeRequest, res: NodeResponse) => Promise<void>;
  /** Sends the login response for a pair your login route issued. */
  sendLogin: (res: NodeResponse, pair: TokenPair) => Promise<void>;
}

/**
 * The refresh and logout routes and the login response of `createAuthEndpoints` in
 * `tokenwise/http`, for Express or `node:http`: cookie or body, `Origin`/`Sec-Fetch-Site`
 * checks, `no-store` and `Vary: Cookie`. Works before or after `express.json()`.
 *
 * @param tokens - the manager
 * @param options - cookie (default `Path=/auth`), allowed origins, error statuses, body limit
 * @returns `{ refresh, logout, sendLogin }`
 * @throws {InvalidConfigError} `invalid_config` for bad cookie options or allowed origins
 *
 * @example
 * ```ts
 * import { authRoutes } from "tokenwise/express";
 *
 * const auth = authRoutes(tokens);
 * app.post("/auth/login", express.json(), async (req, res) => {
 *   const user = await checkPassword(req.body);
 *   if (!user) return res.status(401).end();
 *   await auth.sendLogin(res, await tokens.issue({ subject: user.id }));
 * });
 * app.post("/auth/refresh", auth.refresh);
 * app.post("/auth/logout", auth.logout);
 * ```
 */
export function authRoutes<Claims extends JsonShape<Claims>>(tokens: TokenManager<Claims>, options: AuthEndpointsOptions = {}): AuthRoutes {
  const endpoints = createAuthEndpoints(tokens, options);
  return {
    refresh: toNodeHandler(endpoints.refresh),
    logout: toNodeHandler(endpoints.logout),
    sendLogin: (res, pair) => sendWebResponse(res, endpoints.login(pair)),
  };
}

/**
 * Error middleware that answers a `TokenwiseError` thrown by a route as `bearerErrorResponse`
 * does (401/403/400 with their challenge, 503, 500 without detail) and passes anything else on.
 * Register it after your routes.
 *
 * @param options - the challenge's `realm` (default `"api"`)
 * @returns Express error middleware (four parameters)
 *
 * @example
 * ```ts
 * import { handleErrors } from "tokenwise/express";
 *
 * app.use(handleErrors());
 * ```
 */
export function handleErrors(options: BearerErrorOptions = {}): (error: unknown, req: NodeRequest, res: NodeResponse, next: NextFunction) => void {
  return (error, _req, res, next) => {
    if (isTokenwiseError(error)) sendWebResponse(res, bearerErrorResponse(error, options)).catch(next);
    else next(error);
  };
}
