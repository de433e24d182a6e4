/**
 * The refresh-token cookie: `HttpOnly; Secure; SameSite=Strict`, scoped to the auth routes
 * (`/auth`, which holds `/auth/refresh` and `/auth/logout`), so scripts never see the token and
 * browsers send it only where it is needed.
 *
 * @module
 */
import { InvalidConfigError } from "../errors.js";

/** Options of the refresh cookie. */
export interface RefreshCookieOptions {
  /**
   * The path the browser sends the cookie to, and nowhere else. It must cover both the refresh
   * and the logout route, so logout can read the token it revokes.
   * @default "/auth" (serve `/auth/refresh` and `/auth/logout`)
   */
  path?: string;
  /** Cookie name. A `__Host-` name requires `path: "/"` and no `domain`. @default "__Secure-refresh_token" */
  name?: string;
  /** `SameSite` attribute. `"None"` lets cross-site requests carry the token: avoid. @default "Strict" */
  sameSite?: "Strict" | "Lax" | "None";
  /**
   * Send only over HTTPS. Turning it off is for plain-HTTP development off localhost only
   * (browsers accept `Secure` cookies from `http://localhost`), and takes an unprefixed `name`
   * as well: `__Secure-` and `__Host-` names require `Secure`. @default true
   */
  secure?: boolean;
  /** `Domain` attribute. @default none: the cookie stays on the exact host */
  domain?: string;
}

const TOKEN_CHARS = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const VALUE_CHARS = /^[A-Za-z0-9\-._~+/=]*$/;

/** The cookie name unless the options say otherwise. */
export const DEFAULT_REFRESH_COOKIE_NAME = "__Secure-refresh_token";

/** The cookie path unless the options say otherwise: the folder of `/auth/refresh` and `/auth/logout`. */
const DEFAULT_REFRESH_COOKIE_PATH = "/auth";

/** Checks the options and fills the defaults. */
function resolve(options: RefreshCookieOptions): Required<Omit<RefreshCookieOptions, "domain">> & { domain?: string } {
  const name = options.name ?? DEFAULT_REFRESH_COOKIE_NAME;
  const path = options.path ?? DEFAULT_REFRESH_COOKIE_PATH;
  const secure = options.secure ?? true;
  const sameSite = options.sameSite ?? "Strict";
  if (!TOKEN_CHARS.test(name)) throw new InvalidConfigError("cookie.name", "must be an RFC 6265 token");
  if (typeof path !== "string" || !path.startsWith("/") || /[;\s]/.test(path)) {
    throw new InvalidConfigError("cookie.path", 'must be the path of the auth routes, starting with "/"');
  }
  if (options.domain !== undefined && !/^[A-Za-z0-9.-]+$/.test(options.domain)) throw new InvalidConfigError("cookie.domain", "is not a host name");
  if ((name.startsWith("__Secure-") || name.startsWith("__Host-") || sameSite === "None") && !secure) {
    throw new InvalidConfigError(
      "cookie.secure",
      name.startsWith("__") ? `the name ${name} requires secure: true; with secure: false, also pass an unprefixed name such as "refresh_token"` : 'SameSite "None" requires secure: true',
    );
  }
  if (name.startsWith("__Host-") && (path !== "/" || options.domain !== undefined)) {
    throw new InvalidConfigError("cookie.name", '__Host- cookies need path "/" and no domain');
  }
  return { name, secure, sameSite, path, ...(options.domain ? { domain: options.domain } : {}) };
}

function attributes(options: ReturnType<typeof resolve>): string {
  return `; Path=${options.path}${options.domain ? `; Domain=${options.domain}` : ""}; HttpOnly${options.secure ? "; Secure" : ""}; SameSite=${options.sameSite}`;
}

/**
 * A `Set-Cookie` value that stores the refresh token for as long as it lives.
 *
 * @param refreshToken - the refresh token
 * @param maxAgeSeconds - its remaining lifetime: `pair.refreshTokenExpiresIn`
 * @param options - path, name, SameSite, Secure, Domain
 * @returns the header value
 * @throws {InvalidConfigError} `invalid_config` for unsafe or malformed options
 *
 * @example
 * ```ts
 * import { serializeRefreshCookie } from "tokenwise/http";
 *
 * headers.append("Set-Cookie", serializeRefreshCookie(pair.refreshToken, pair.refreshTokenExpiresIn, { path: "/auth" }));
 * ```
 */
export function serializeRefreshCookie(refreshToken: string, maxAgeSeconds: number, options: RefreshCookieOptions = {}): string {
  const resolved = resolve(options);
  if (!VALUE_CHARS.test(refreshToken)) throw new InvalidConfigError("refreshToken", "contains characters a cookie cannot carry");
  return `${resolved.name}=${refreshToken}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${attributes(resolved)}`;
}

/**
 * A `Set-Cookie` value that deletes the refresh cookie (on logout). Use the same options as when setting it.
 *
 * @param options - the options the cookie was set with
 * @returns the header value
 * @throws {InvalidConfigError} `invalid_config` for unsafe or malformed options
 *
 * @example
 * ```ts
 * import { serializeClearedRefreshCookie } from "tokenwise/http";
 *
 * headers.append("Set-Cookie", serializeClearedRefreshCookie({ path: "/auth" }));
 * ```
 */
export function serializeClearedRefreshCookie(options: RefreshCookieOptions = {}): string {
  const resolved = resolve(options);
  return `${resolved.name}=; Max-Age=0${attributes(resolved)}`;
}

/**
 * Reads one cookie of a request.
 *
 * @param request - the request, or its headers
 * @param name - the cookie name
 * @returns the value, or `null` when absent
 *
 * @example
 * ```ts
 * import { readCookie } from "tokenwise/http";
 *
 * const token = readCookie(request, "__Secure-refresh_token");
 * ```
 */
export function readCookie(request: Request | Headers, name: string): string | null {
  const header = ("headers" in request ? request.headers : request).get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/**
 * Adds a refresh cookie (set or cleared) to response headers, with `Vary: Cookie`: a shared cache
 * must never hand one user's `Set-Cookie` to another. Internal to `tokenwise/http`.
 *
 * @param headers - the response's headers
 * @param setCookie - a value from `serializeRefreshCookie` or `serializeClearedRefreshCookie`
 */
export function appendRefreshCookie(headers: Headers, setCookie: string): void {
  headers.append("Set-Cookie", setCookie);
  headers.append("Vary", "Cookie");
}
