/**
 * `tokenwise/client`: for browsers and servers that call an API protected by tokenwise. Keeps the
 * token pair, refreshes before expiry or once on a 401, shares one refresh between concurrent
 * calls and tabs, and hands over to your login page when the session is over.
 *
 * @example
 * ```ts
 * import { httpRefresh, TokenClient } from "tokenwise/client";
 *
 * const api = new TokenClient({ refresh: httpRefresh({ url: "/auth/refresh" }), onSessionExpired: () => location.assign("/login") });
 * ```
 *
 * @module
 */
export { RefreshFailedError, type RefreshFailure } from "../errors.js";
export { expiryOf, httpRefresh, type HttpRefreshOptions, type RefreshResponseFields } from "./http-refresh.js";
export { MemoryTokenStorage, webTokenStorage, type StoredTokens, type TokenStorage } from "./storage.js";
export { TokenClient } from "./token-client.js";
export type { RefreshFunction, TokenClientOptions } from "./token-client-options.js";
