/**
 * What a {@link TokenClient} is configured with, and the shape of its `refresh` function.
 *
 * @module
 */
import type { StoredTokens, TokenStorage } from "./storage.js";
import type { TokenClient } from "./token-client.js";

/**
 * Exchanges a refresh token for new tokens: resolves with them, with `null` when the server
 * refuses (the session is over), or rejects on a transient failure. `httpRefresh` makes one.
 */
export interface RefreshFunction {
  /**
   * @param refreshToken - the stored refresh token; `"cookie"` when only an `HttpOnly` cookie holds it
   * @param options - `signal` aborts when the refresh times out (`refreshTimeout`)
   */
  (refreshToken: string, options?: { signal?: AbortSignal }): Promise<StoredTokens | null>;
  /** The refresh endpoint, if the function calls one: its origin may receive the access token by default. */
  readonly url?: string | URL;
}

/** Options of {@link TokenClient}. */
export interface TokenClientOptions {
  /** Exchanges a refresh token for new tokens. See `httpRefresh`. */
  refresh: RefreshFunction;
  /**
   * Called once per session end in this tab: a refresh was refused, a cookie `restore` found no
   * session, or (with `crossTab`) another tab's session ended or logged out. Redirect to login.
   */
  onSessionExpired?: () => void;
  /**
   * Refresh when the access token expires within this many seconds — but never earlier than halfway
   * through its lifetime as this client saw it, so a 3 s token is used for 1.5 s, not refreshed
   * on every call. @default 60
   */
  refreshMargin?: number;
  /** Where tokens live. @default new MemoryTokenStorage() */
  storage?: TokenStorage;
  /** The fetch to wrap. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The clock, in milliseconds. @default Date.now */
  now?: () => number;
  /**
   * Coordinate the tabs of this origin under this name: one refresh request however many tabs
   * find the token due (Web Locks), the result shared with all (IndexedDB, BroadcastChannel).
   * Needs a secure context (https, or localhost): elsewhere the constructor throws
   * `invalid_config` rather than let tabs spend each other's refresh tokens. @default off
   */
  crossTab?: string;
  /**
   * The origins that receive the access token (`"https://api.example.com"`, or URLs); a request
   * to any other goes out untouched, with no token and no refresh.
   * @default the page's origin and the origin of `refresh.url`
   */
  allowedOrigins?: readonly (string | URL)[];
  /**
   * The refresh token lives in an `HttpOnly` cookie the client never sees (`httpRefresh({ send:
   * "cookie" })`). When the client holds no tokens — after a reload — its first call, or
   * `restore()`, refreshes once with the cookie before the session counts as over. @default false
   */
  refreshCookie?: boolean;
  /** Seconds a refresh request may take before it is aborted: `refresh_failed` (`timeout`). @default 10 */
  refreshTimeout?: number;
  /**
   * With `crossTab`: seconds to wait for another tab's turn at refreshing before failing with
   * `refresh_failed` (`lock_timeout`). The lock is never stolen: two refreshes at once would
   * present one refresh token twice. @default twice `refreshTimeout`
   */
  lockTimeout?: number;
}
