/**
 * Refusing cross-site requests that carry the refresh cookie, beyond what `SameSite` does: a
 * page on a sibling subdomain is "same-site" and gets a `SameSite=Strict` cookie sent along.
 * The rule of hono's `csrf` middleware and Lucia's recipe, on `Sec-Fetch-Site` and `Origin`.
 *
 * @module
 */
import { CrossSiteRequestError, InvalidConfigError } from "../errors.js";

/** Options of {@link verifyRequestOrigin}. */
export interface RequestOriginOptions {
  /**
   * Origins besides the request's own whose pages may refresh and log out with the cookie,
   * each exactly `scheme://host[:port]`, e.g. `"https://app.example.com"`. List your public
   * origin too when a proxy in front rewrites `Host` or terminates TLS.
   * @default [] (same origin only)
   */
  allowedOrigins?: readonly string[];
}

/**
 * Lets a request through only when a browser says it comes from the same origin or an allowed
 * one. `Sec-Fetch-Site: same-origin` (or `none`, a request the user typed) passes; `same-site`
 * and `cross-site` pass only with an allowed `Origin`. Without `Sec-Fetch-Site` (older
 * browsers), `Origin` must be the request's own or allowed; `Origin: null` never passes. A
 * request with **neither** header does not come from a browser page — every current browser
 * sends `Origin` with a `POST` — so it passes: such a client holds the token it sends and there
 * is no ambient credential to forge with.
 *
 * @param request - the request, usually one carrying the refresh cookie
 * @param options - the allowed origins
 * @throws {CrossSiteRequestError} `cross_site_request` (403) when the request comes from elsewhere
 * @throws {InvalidConfigError} `invalid_config` when an allowed origin is not `scheme://host[:port]`
 *
 * @example
 * ```ts
 * import { verifyRequestOrigin } from "tokenwise/http";
 *
 * verifyRequestOrigin(request, { allowedOrigins: ["https://app.example.com"] });
 * ```
 */
export function verifyRequestOrigin(request: Request, options: RequestOriginOptions = {}): void {
  refuseCrossSite(request, checkAllowedOrigins(options.allowedOrigins ?? []));
}

/**
 * {@link verifyRequestOrigin} with origins already checked by {@link checkAllowedOrigins}, as
 * `createAuthEndpoints` holds them. Internal to `tokenwise/http`.
 *
 * @throws {CrossSiteRequestError} `cross_site_request` (403) when the request comes from elsewhere
 */
export function refuseCrossSite(request: Request, allowed: readonly string[]): void {
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  if (site === "same-origin" || site === "none") return;
  if (site !== null) {
    if (origin !== null && allowed.includes(origin)) return;
    throw new CrossSiteRequestError(`A ${site.slice(0, 20)} request may not use the refresh cookie`);
  }
  if (origin === null) return;
  if (origin === new URL(request.url).origin || allowed.includes(origin)) return;
  throw new CrossSiteRequestError("The request's Origin is not allowed to use the refresh cookie");
}

/**
 * Checks that each allowed origin is an origin and nothing more.
 *
 * @param origins - the configured origins
 * @returns the same origins
 * @throws {InvalidConfigError} `invalid_config` naming the first bad one
 */
export function checkAllowedOrigins(origins: readonly string[]): readonly string[] {
  origins.forEach((origin, index) => {
    let parsed: string | null = null;
    try {
      parsed = new URL(origin).origin;
    } catch {
      // reported below
    }
    if (parsed !== origin) throw new InvalidConfigError(`allowedOrigins[${index}]`, 'must be exactly "scheme://host[:port]"');
  });
  return origins;
}
