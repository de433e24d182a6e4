/**
 * A ready-made `refresh` function for {@link TokenClient}: one HTTP call to your refresh
 * endpoint, in the shape it speaks (RFC 6749 by default; seed-style field names on request).
 *
 * @module
 */
import { RefreshFailedError } from "../errors.js";
import type { StoredTokens } from "./storage.js";
import type { RefreshFunction } from "./token-client-options.js";

/** Response field names. */
export interface RefreshResponseFields {
  /** @default "access_token" */
  accessToken?: string;
  /** Absent from a response means "keep the current refresh token". @default "refresh_token" */
  refreshToken?: string;
  /** Seconds until the access token expires; absent means "read `exp` from the token". @default "expires_in" */
  expiresIn?: string;
}

/** Options of {@link httpRefresh}. */
export interface HttpRefreshOptions {
  /** The refresh endpoint. */
  url: string | URL;
  /**
   * How the refresh token travels: a JSON body `{ refresh_token }`, an RFC 6749 §6 form body,
   * or `Authorization: Bearer <refresh token>`; `"cookie"` sends none and relies on the browser's cookie.
   * @default "json"
   */
  send?: "json" | "form" | "authorization" | "cookie";
  /** Field names of the response. */
  fields?: RefreshResponseFields;
  /** Extra request options, e.g. `credentials: "include"` for a cookie on another origin. */
  init?: RequestInit;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The clock, for `expiresAt`. @default Date.now */
  now?: () => number;
}

/** Statuses that mean "this refresh token is no longer accepted": log in again. */
const REFUSED = new Set([400, 401, 403, 422]);

/**
 * Creates a `refresh` function for {@link TokenClient}. It resolves with the new tokens, with
 * `null` when the server refuses the refresh token (400, 401, 403, 422: the session is over),
 * and rejects with `refresh_failed` on network errors, other statuses and bodies without an
 * access token (transient: the tokens are kept). Its `url` lets the client send the access token
 * to the endpoint's origin by default.
 *
 * @param options - endpoint, how to send the token, response field names
 * @returns the refresh function
 *
 * @example
 * ```ts
 * import { httpRefresh, TokenClient } from "tokenwise/client";
 *
 * // Seed 002: POST { refresh_token } → { token, refresh_token, token_expires_in }
 * const refresh = httpRefresh({
 *   url: "/api/v1/refresh_token",
 *   fields: { accessToken: "token", expiresIn: "token_expires_in" },
 * });
 * ```
 */
export function httpRefresh(options: HttpRefreshOptions): RefreshFunction {
  const send = options.send ?? "json";
  const fields = { accessToken: "access_token", refreshToken: "refresh_token", expiresIn: "expires_in", ...options.fields };
  const now = options.now ?? Date.now;
  const refresh = async (refreshToken: string, call?: { signal?: AbortSignal }): Promise<StoredTokens | null> => {
    const headers = new Headers(options.init?.headers);
    let body: string | undefined;
    if (send === "json") {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify({ refresh_token: refreshToken });
    } else if (send === "form") {
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString();
    } else if (send === "authorization") {
      headers.set("Authorization", `Bearer ${refreshToken}`);
    }
    const init: RequestInit = { ...options.init, method: "POST", headers, ...(body === undefined ? {} : { body }), ...(call?.signal ? { signal: call.signal } : {}) };
    const response = await (options.fetch ?? fetch)(options.url, init).catch((cause: unknown) => {
      throw new RefreshFailedError("network", `refresh request failed: ${String(cause)}`, { cause });
    });
    if (REFUSED.has(response.status)) return null;
    if (!response.ok) throw new RefreshFailedError("response", `refresh failed with HTTP ${response.status}`);
    const data = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    const accessToken = data?.[fields.accessToken];
    if (typeof accessToken !== "string") throw new RefreshFailedError("response", `refresh response has no "${fields.accessToken}"`);
    const nextRefresh = data?.[fields.refreshToken];
    const expiresIn = data?.[fields.expiresIn];
    return {
      accessToken,
      refreshToken: typeof nextRefresh === "string" ? nextRefresh : refreshToken,
      expiresAt: typeof expiresIn === "number" ? now() + expiresIn * 1000 : expiryOf(accessToken),
    };
  };
  return Object.assign(refresh, { url: options.url });
}

/**
 * When a JWT says it expires (`exp`), read without verifying — only to schedule a refresh;
 * the server still verifies everything. Opaque tokens count as expiring now.
 *
 * @param accessToken - the access token
 * @returns milliseconds since the epoch
 *
 * @example
 * ```ts
 * import { expiryOf } from "tokenwise/client";
 *
 * client.setTokens({ accessToken, refreshToken, expiresAt: expiryOf(accessToken) });
 * ```
 */
export function expiryOf(accessToken: string): number {
  try {
    const payload = accessToken.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}
