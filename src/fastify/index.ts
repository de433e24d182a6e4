/**
 * `tokenwise/fastify`: a plugin that authenticates every route of its scope in an `onRequest`
 * hook and decorates `request.auth`, and the refresh and logout routes, for Fastify 5. Every
 * rule is `tokenwise/http`'s; this module only translates Fastify's request (Fastify sends a
 * Web `Response` as it is).
 *
 * @example
 * ```ts
 * import { authenticate, authRoutes } from "tokenwise/fastify";
 *
 * const auth = authRoutes(tokens);
 * app.post("/auth/refresh", auth.refresh);
 * app.post("/auth/logout", auth.logout);
 * app.register(async (api) => {
 *   await api.register(authenticate, { tokens });
 *   api.get("/api/me", async (request) => ({ user: request.auth?.sub }));
 * });
 * ```
 *
 * @module
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { headersOf, toWebRequest } from "../express/node-bridge.js";
import { acceptingRequestsFrom, createAuthEndpoints, type AuthEndpoints, type AuthEndpointsOptions } from "../http/auth-endpoints.js";
import type { RegisteredAuth, RegisteredClaims } from "../http/register.js";
import { requireAuth, type RequireAuthOptions } from "../http/require-auth.js";
import type { AccessTokenVerifier } from "../access-tokens.js";
import type { JsonShape } from "../json.js";
import type { JsonObject } from "../store.js";
import type { TokenManager } from "../token-manager.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The verified access token, set by the `authenticate` plugin of `tokenwise/fastify` (`null` outside its scope); its claims are `Register`'s of `tokenwise/http`. */
    auth: RegisteredAuth | null;
  }
}

/** Options of the {@link authenticate} plugin. */
export interface AuthenticateOptions<Claims extends JsonShape<Claims> = JsonObject> extends RequireAuthOptions<Claims> {
  /** The manager that issued the tokens. */
  tokens: AccessTokenVerifier<Claims>;
}

/**
 * A plugin whose `onRequest` hook lets a request through only with a valid Bearer token and
 * sets `request.auth` to its claims; answers like `requireAuth` of `tokenwise/http` otherwise
 * (401 with `WWW-Authenticate`, 403 `insufficient_scope`, 400, 503). It protects the routes of
 * the scope it is registered in (Fastify's encapsulation), before their body is read.
 *
 * @param app - the Fastify scope
 * @param options - `tokens`, and `checkSession`, `scopes`, `authorize` (its claims typed by `Register`), `realm` (defaults: no session read, no scopes)
 * @returns when the hook is added
 *
 * @example
 * ```ts
 * import { authenticate } from "tokenwise/fastify";
 *
 * app.register(async (admin) => {
 *   await admin.register(authenticate, { tokens, authorize: (claims) => claims.role === "admin" });
 *   admin.get("/admin/users", async () => listUsers());
 * });
 * ```
 */
export const authenticate: FastifyPluginAsync<AuthenticateOptions<RegisteredClaims>> = Object.assign(
  async (app: FastifyInstance, { tokens, ...options }: AuthenticateOptions<RegisteredClaims>): Promise<void> => {
    if (!app.hasRequestDecorator("auth")) app.decorateRequest("auth", null);
    app.addHook("onRequest", async (request, reply) => {
      const auth = await requireAuth(headersOf(request.raw), tokens, options);
      if (!auth.ok) return reply.send(auth.response);
      request.auth = auth.claims;
    });
  },
  // What fastify-plugin does: the hook joins the scope that registers the plugin, not a child of it.
  { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "tokenwise-authenticate" },
);

/**
 * The refresh and logout routes and the login response of `createAuthEndpoints` in
 * `tokenwise/http`, as Fastify handlers: cookie or JSON body, `Origin`/`Sec-Fetch-Site` checks,
 * `no-store` and `Vary: Cookie`.
 *
 * @param tokens - the manager
 * @param options - cookie (default `Path=/auth`), allowed origins, error statuses, body limit
 * @returns `{ refresh, logout, login }`: `refresh` and `logout` are route handlers, `login` returns the response
 * @throws {InvalidConfigError} `invalid_config` for bad cookie options or allowed origins
 *
 * @example
 * ```ts
 * import { authRoutes } from "tokenwise/fastify";
 *
 * const auth = authRoutes(tokens);
 * app.post("/auth/login", async (request) => auth.login(await tokens.issue({ subject: await checkPassword(request.body) })));
 * app.post("/auth/refresh", auth.refresh);
 * app.post("/auth/logout", auth.logout);
 * ```
 */
export function authRoutes<Claims extends JsonShape<Claims>>(tokens: TokenManager<Claims>, options: AuthEndpointsOptions = {}): AuthEndpoints<FastifyRequest> {
  return acceptingRequestsFrom(createAuthEndpoints(tokens, options), (request: FastifyRequest) => toWebRequest(request.raw, request.body));
}
