/**
 * `TokenClient`: holds a token pair and wraps `fetch` with the refresh flow of seed 002 — refresh
 * early when the access token is about to expire, on a 401 refresh once and retry once, and
 * when the refresh is refused, clear the tokens and send the user to log in.
 *
 * @module
 */
import { InvalidConfigError } from "../errors.js";
import { CrossTabSync } from "./cross-tab.js";
import { MemoryTokenStorage, type StoredTokens, type TokenStorage } from "./storage.js";

/** Options of {@link TokenClient}. */
export interface TokenClientOptions {
  /**
   * Exchanges a refresh token for new tokens: resolves with them, with `null` when the server
   * refuses (the session is over), or rejects on a transient failure. See `httpRefresh`.
   */
  refresh: (refreshToken: string) => Promise<StoredTokens | null>;
  /** Called once when the session is over (refresh refused): redirect to the login page. */
  onSessionExpired?: () => void;
  /** Refresh when the access token expires within this many seconds. @default 60 */
  refreshMargin?: number;
  /** Where tokens live. @default new MemoryTokenStorage() */
  storage?: TokenStorage;
  /** The fetch to wrap. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The clock, in milliseconds. @default Date.now */
  now?: () => number;
  /**
   * Coordinate tabs of the same origin under this name: one refresh at a time across tabs (Web
   * Locks) and new tokens shared with the others (BroadcastChannel). Each is used only where the
   * platform has it. @default off
   */
  crossTab?: string;
}

/**
 * Keeps a token pair and makes authenticated requests with it.
 *
 * @example
 * ```ts
 * import { httpRefresh, TokenClient } from "tokenwise/client";
 *
 * const api = new TokenClient({
 *   refresh: httpRefresh({ url: "/auth/refresh" }),
 *   onSessionExpired: () => location.assign("/login"),
 * });
 * api.setTokens({ accessToken, refreshToken, expiresAt: Date.now() + expiresIn * 1000 }); // after login
 * const response = await api.fetch("/api/orders");
 * ```
 */
export class TokenClient {
  readonly #options: TokenClientOptions;
  readonly #storage: TokenStorage;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #marginMs: number;
  readonly #sync: CrossTabSync | null;
  #inFlight: Promise<StoredTokens | null> | null = null;

  /**
   * Creates a client; call `setTokens` after login.
   *
   * @param options - see {@link TokenClientOptions}
   * @throws {InvalidConfigError} `invalid_config` without a `refresh` function
   */
  constructor(options: TokenClientOptions) {
    if (typeof options?.refresh !== "function") throw new InvalidConfigError("refresh", "TokenClient needs a refresh function");
    this.#options = options;
    this.#storage = options.storage ?? new MemoryTokenStorage();
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
    this.#marginMs = (options.refreshMargin ?? 60) * 1000;
    this.#sync = options.crossTab
      ? new CrossTabSync(options.crossTab, {
          onTokens: (tokens) => this.#storage.set(tokens),
          onExpired: () => this.#expire(false),
        })
      : null;
  }

  /**
   * Stores the tokens of a login (or of a refresh done elsewhere) and shares them with other tabs.
   *
   * @param tokens - the new tokens
   */
  async setTokens(tokens: StoredTokens): Promise<void> {
    await this.#storage.set(tokens);
    this.#sync?.announce(tokens);
  }

  /**
   * The current tokens, refreshed first if the access token is within the margin of expiry.
   *
   * @returns the tokens, or `null` when logged out or the session is over
   */
  async getTokens(): Promise<StoredTokens | null> {
    const tokens = await this.#storage.get();
    return tokens && this.#isDue(tokens) ? this.#refresh(tokens) : tokens;
  }

  /** Forgets the tokens here and in other tabs (logout). Does not call `onSessionExpired`. */
  async clear(): Promise<void> {
    await this.#storage.set(null);
    this.#sync?.announceExpired();
  }

  /** Stops listening to other tabs. Call it when the client is no longer used. */
  close(): void {
    this.#sync?.close();
  }

  /**
   * `fetch` with the access token: refreshes early when it is about to expire; on a 401 refreshes
   * once and retries once; when the refresh is refused, clears the tokens, calls
   * `onSessionExpired` and returns the 401.
   *
   * @param input - as for `fetch`
   * @param init - as for `fetch`
   * @returns the response
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const tokens = await this.getTokens();
    const response = await this.#send(request.clone(), tokens);
    if (response.status !== 401 || !tokens) return response;
    const renewed = await this.#refresh(tokens);
    if (!renewed) return response;
    return this.#send(request, renewed);
  }

  #send(request: Request, tokens: StoredTokens | null): Promise<Response> {
    if (!tokens) return this.#fetch(request);
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${tokens.accessToken}`);
    return this.#fetch(new Request(request, { headers }));
  }

  #isDue(tokens: StoredTokens): boolean {
    return tokens.expiresAt - this.#now() <= this.#marginMs;
  }

  /** One refresh at a time: concurrent callers share the one in flight. */
  #refresh(stale: StoredTokens): Promise<StoredTokens | null> {
    this.#inFlight ??= this.#refreshOnce(stale).finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  async #refreshOnce(stale: StoredTokens): Promise<StoredTokens | null> {
    const run = async (): Promise<StoredTokens | null> => {
      const current = await this.#storage.get();
      if (!current) return null;
      // Someone — another caller or tab — refreshed since `stale` was read: use their tokens.
      // (Compared by access token: it changes on every refresh, even when the refresh token lives in a cookie.)
      if (current.accessToken !== stale.accessToken && !this.#isDue(current)) return current;
      const next = await this.#options.refresh(current.refreshToken);
      if (!next) {
        await this.#expire(true);
        return null;
      }
      await this.setTokens(next);
      return next;
    };
    return this.#sync ? this.#sync.exclusive(run) : run();
  }

  async #expire(announce: boolean): Promise<void> {
    await this.#storage.set(null);
    if (announce) this.#sync?.announceExpired();
    this.#options.onSessionExpired?.();
  }
}
