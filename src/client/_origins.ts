/**
 * Which origins may receive the access token: the ones configured, else the page's own and the
 * refresh endpoint's. A request anywhere else goes out untouched, so a third-party URL passed to
 * `TokenClient.fetch` never sees the Bearer token. Internal to `TokenClient`.
 *
 * @module
 */
import { InvalidConfigError } from "../errors.js";

/**
 * Resolves the allow-list.
 *
 * @param configured - `allowedOrigins`, when given: origins or URLs, relative ones against the page
 * @param refreshUrl - the refresh endpoint, when the refresh function names one
 * @returns the allowed origins, as `URL.origin` spells them
 * @throws {InvalidConfigError} `invalid_config` for an entry that is not an http(s) URL, or when no origin is left
 */
export function allowedOrigins(configured: readonly (string | URL)[] | undefined, refreshUrl: string | URL | undefined): ReadonlySet<string> {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  const origins = new Set<string>();
  for (const entry of configured ?? [page, refreshUrl]) {
    const origin = entry === undefined ? null : originOf(entry, page);
    if (origin) origins.add(origin);
    else if (configured) throw new InvalidConfigError("allowedOrigins", `not an http(s) origin: ${String(entry)}`);
  }
  if (origins.size === 0) {
    throw new InvalidConfigError("allowedOrigins", "no page, no refresh URL: list the origins to send the access token to");
  }
  return origins;
}

/**
 * The origin of `url`, or `null` when it is not an http(s) URL.
 *
 * @param url - an absolute URL, or one relative to `base`
 * @param base - the page's URL, if there is a page
 * @returns e.g. `"https://api.example.com"`
 */
export function originOf(url: string | URL, base?: string): string | null {
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.origin : null;
  } catch {
    return null;
  }
}
