/**
 * `tokenwise/hono`: authentication middleware that sets `c.get("auth")`, and the refresh and
 * logout routes, for Hono on Node, Deno, Bun and Workers. Hono already speaks Web `Request`/
 * `Response`, so this module hands `c.req.raw` to `tokenwise/http` and returns its answer.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { authenticate, authRoutes, type AuthEnv } from "tokenwise/hono";
 *
 * const app = new Hono<AuthEnv<{ role: string }>>();
 * const auth = authRoutes(tokens);
 * app.post("/auth/refresh", auth.refresh);
 * app.post("/auth/logout", auth.logout);
 * app.get("/api/me", authenticate(tokens), (c) => c.json({ user: c.get("auth").sub }));
 * ```
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { acceptingRequestsFrom, createAuthEndpoints, type AuthEndpoints, type AuthEndpointsOptions } from "../http/auth-endpoints.js";
import { requireAuth, type RequireAuthOptions } from "../http/require-auth.js";
import type { AccessTokenVerifier, VerifiedAccessToken } from "../access-tokens.js";
import type { JsonShape } from "../json.js";
import type { JsonObject } from "../store.js";
import type { TokenManager } from "../token-manager.js";

/** The Hono environment {@link authenticate} provides: `c.get("auth")` is the verified token. */
export interface AuthEnv<Claims extends JsonShape<Claims> = JsonObject> {
  /** Context variables. */
  Variables: {
    /** The verified access token of the request. */
    auth: VerifiedAccessToken<Claims>;
  };
}

/**
 * Middleware that lets a request through only with a valid Bearer token and sets
 * `c.get("auth")` to its claims; answers like `requireAuth` of `tokenwise/http` otherwise
 * (401 with `WWW-Authenticate`, 403 `insufficient_scope`, 400, 503).
 *
 * @param tokens - the manager that issued the tokens
 * @param options - `checkSession`, `scopes`, `authorize`, `realm` (defaults: no session read, no scopes)
 * @returns the middleware, typed so later handlers see `c.get("auth")`
 *
 * @example
 * ```ts
 * import { authenticate } from "tokenwise/hono";
 *
 * app.use("/admin/*", authenticate(tokens, { authorize: (claims) => claims.role === "admin" }));
 * ```
 */
export function authenticate<Claims extends JsonShape<Claims>>(tokens: AccessTokenVerifier<Claims>, options: RequireAuthOptions<Claims> = {}): MiddlewareHandler<AuthEnv<Claims>> {
  return async (c, next) => {
    const auth = await requireAuth(c.req.raw, tokens, options);
    if (!auth.ok) return auth.response;
    c.set("auth", auth.claims);
    await next();
  };
}

/** What a Hono handler needs of its context here: the raw request. */
export interface RawRequestContext {
  /** Hono's request wrapper. */
  req: {
    /** The Web `Request`. */
    raw: Request;
  };
}

/**
 * The refresh and logout routes and the login response of `createAuthEndpoints` in
 * `tokenwise/http`, as Hono handlers: cookie or body, `Origin`/`Sec-Fetch-Site` checks,
 * `no-store` and `Vary: Cookie`.
 *
 * @param tokens - the manager
 * @param options - cookie (default `Path=/auth`), allowed origins, error statuses, body limit
 * @returns `{ refresh, logout, login }`: `refresh` and `logout` are Hono handlers, `login` returns the response
 * @throws {InvalidConfigError} `invalid_config` for bad cookie options or allowed origins
 *
 * @example
 * ```ts
 * import { authRoutes } from "tokenwise/hono";
 *
 * const auth = authRoutes(tokens);
 * app.post("/auth/login", async (c) => auth.login(await tokens.issue({ subject: await checkPassword(c) })));
 * app.post("/auth/refresh", auth.refresh);
 * app.post("/auth/logout", auth.logout);
 * ```
 */
export function authRoutes<Claims extends JsonShape<Claims>>(tokens: TokenManager<Claims>, options: AuthEndpointsOptions = {}): AuthEndpoints<RawRequestContext> {
  return acceptingRequestsFrom(createAuthEndpoints(tokens, options), (c: RawRequestContext) => c.req.raw);
}
