/**
 * The app's claims type, declared once for the adapters whose frameworks type the request
 * globally (`req.auth` in Express, `request.auth` in Fastify), as `@fastify/jwt` does.
 *
 * @module
 */
import type { VerifiedAccessToken } from "../access-tokens.js";
import type { JsonObject } from "../store.js";

/**
 * Declare your claims here, once, and `req.auth` / `request.auth` carry them:
 *
 * @example
 * ```ts
 * import "tokenwise/http";
 *
 * declare module "tokenwise/http" {
 *   interface Register {
 *     claims: { role: string };
 *   }
 * }
 * ```
 */
export interface Register {}

/** The claims registered in {@link Register}, or any JSON object when none are. */
export type RegisteredClaims = Register extends Record<"claims", infer Claims extends JsonObject> ? Claims : JsonObject;

/** The verified access token the adapters attach to a request. */
export type RegisteredAuth = VerifiedAccessToken<RegisteredClaims>;
