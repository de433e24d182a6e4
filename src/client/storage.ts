/**
 * Where the client keeps its tokens: in memory by default, or any storage you provide.
 *
 * @module
 */

/** The tokens a client holds. */
export interface StoredTokens {
  /** The access token sent as `Authorization: Bearer …`. */
  accessToken: string;
  /** The refresh token. */
  refreshToken: string;
  /** When the access token expires, in milliseconds since the epoch. */
  expiresAt: number;
}

/** A place to keep tokens. Methods may be synchronous or return promises. */
export interface TokenStorage {
  /** The stored tokens, or `null`. */
  get(): StoredTokens | null | Promise<StoredTokens | null>;
  /** Replaces the stored tokens; `null` clears them. */
  set(tokens: StoredTokens | null): void | Promise<void>;
}

/**
 * Keeps tokens in a variable: gone on reload, invisible to other scripts' storage reads. The
 * safest default in a browser; pair it with an `HttpOnly` refresh cookie to survive reloads.
 *
 * @example
 * ```ts
 * import { MemoryTokenStorage, TokenClient } from "tokenwise/client";
 *
 * const client = new TokenClient({ refresh, storage: new MemoryTokenStorage() });
 * ```
 */
export class MemoryTokenStorage implements TokenStorage {
  #tokens: StoredTokens | null = null;

  /** {@inheritDoc TokenStorage.get} */
  get(): StoredTokens | null {
    return this.#tokens;
  }

  /** {@inheritDoc TokenStorage.set} */
  set(tokens: StoredTokens | null): void {
    this.#tokens = tokens;
  }
}

/**
 * Keeps tokens in a Web Storage area (`localStorage`, `sessionStorage`) under one key. Anything
 * stored there is readable by every script on the page: prefer memory plus an `HttpOnly` cookie.
 *
 * @param area - `localStorage`, `sessionStorage`, or anything with the same three methods
 * @param key - the key to store under @default "tokenwise.tokens"
 * @returns a token storage
 *
 * @example
 * ```ts
 * import { TokenClient, webTokenStorage } from "tokenwise/client";
 *
 * const client = new TokenClient({ refresh, storage: webTokenStorage(sessionStorage) });
 * ```
 */
export function webTokenStorage(
  area: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void },
  key = "tokenwise.tokens",
): TokenStorage {
  return {
    get(): StoredTokens | null {
      const text = area.getItem(key);
      if (!text) return null;
      try {
        const value: unknown = JSON.parse(text);
        return isStoredTokens(value) ? value : null;
      } catch {
        return null;
      }
    },
    set(tokens: StoredTokens | null): void {
      if (tokens) area.setItem(key, JSON.stringify(tokens));
      else area.removeItem(key);
    },
  };
}

/** Whether `value` has the shape of {@link StoredTokens}: for what comes from storage or other tabs. Internal. */
export function isStoredTokens(value: unknown): value is StoredTokens {
  const tokens = value as Partial<StoredTokens> | null;
  return typeof tokens?.accessToken === "string" && typeof tokens.refreshToken === "string" && typeof tokens.expiresAt === "number";
}
