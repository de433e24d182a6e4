/**
 * Serving the auth server's public keys at `/.well-known/jwks.json`, where `TokenVerifier`
 * looks for them by default.
 *
 * @module
 */
import { parseDuration, type Duration } from "../duration.js";
import type { JsonWebKeySet, TokenManager } from "../token-manager.js";

/** Options of {@link jwksResponse}. */
export interface JwksResponseOptions {
  /**
   * How long verifiers may cache the set (`Cache-Control: max-age`). A key marked `next` should be
   * published at least this long — and at least the verifiers' own `maxCacheAge` — before it is
   * promoted to sign.
   * @default "5m"
   */
  maxAge?: Duration;
}

/**
 * The JWK Set response for `/.well-known/jwks.json` (RFC 7517 §5): the manager's public keys as
 * `application/jwk-set+json`, cacheable for `maxAge`. HMAC secrets are never included.
 *
 * @param keys - the manager (its `jwks()`), or a JWK Set
 * @param options - `maxAge`
 * @returns a 200 response
 * @throws {InvalidConfigError} `invalid_config` for a bad `maxAge`, or a manager whose keys cannot be imported
 *
 * @example
 * ```ts
 * import { jwksResponse } from "tokenwise/http";
 *
 * if (url.pathname === "/.well-known/jwks.json") return jwksResponse(tokens);
 * ```
 */
export async function jwksResponse(keys: Pick<TokenManager, "jwks"> | JsonWebKeySet, options: JwksResponseOptions = {}): Promise<Response> {
  const maxAge = parseDuration(options.maxAge ?? "5m", "maxAge", { allowZero: true });
  const jwks = "jwks" in keys && typeof keys.jwks === "function" ? await keys.jwks() : (keys as JsonWebKeySet);
  const headers = new Headers({ "Content-Type": "application/jwk-set+json", "Cache-Control": `public, max-age=${maxAge}` });
  return new Response(JSON.stringify({ keys: jwks.keys }), { status: 200, headers });
}
