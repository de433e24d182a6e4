/**
 * The verified-token cache: access tokens that verified are kept, whole string as the key, so
 * that the same token presented again — a client calling an API many times within its token's
 * lifetime — skips the parsing and the signature check. Everything that can change between two
 * presentations is checked again on every hit: `exp`, `nbf` and `iat` against the clock (with
 * its tolerance), the key set (a change drops every entry), and the session when `checkSession`
 * asks for it. Failures are never kept.
 *
 * @module
 */

/**
 * Options of the verified-token cache (`verifiedTokenCache` of `TokenManager` and
 * `TokenVerifier`). Give `false` to turn it off.
 */
export interface VerifiedTokenCacheOptions {
  /**
   * Most tokens kept; the least recently used goes first. A `TokenVerifier` keeps this many per
   * issuer. Each entry holds the token and its claims: about 1–2 KB for typical tokens.
   * @default 1000
   */
  maxEntries?: number;
}

/** What the verified-token cache did so far, from `cacheStats()`. */
export interface VerifiedTokenCacheStats {
  /** Verifications answered from the cache. */
  hits: number;
  /** Verifications that ran in full (tokens not kept, or kept but no longer usable as they were). */
  misses: number;
  /** Tokens kept now. */
  entries: number;
  /** Most tokens kept (per issuer for a `TokenVerifier`); `0` with the cache off. */
  maxEntries: number;
}
