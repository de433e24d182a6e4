/**
 * `TokenClient`: holds a token pair and wraps `fetch` with the refresh flow of seed 002 — refresh
 * early when the access token is about to expire, on a 401 refresh once and retry once, and
 * when the refresh is refused, clear the tokens and send the user to log in.
 *
 * @module
 */
import { InvalidConfigError, RefreshFailedError, UnsupportedOperationError } from "../errors.js";
import { unlessAborted, withTimeout } from "../lib/_timeout.js";
import { allowedOrigins } from "./_origins.js";
import { CrossTabSync } from "./cross-tab.js";
import { MemoryTokenStorage, type StoredTokens, type TokenStorage } from "./storage.js";
import type { TokenClientOptions } from "./token-client-options.js";

/** What `refresh` is given when only a cookie holds the refresh token. */
const IN_COOKIE = "cookie";

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
  readonly #refreshTimeout: number;
  readonly #lockTimeout: number;
  readonly #origins: ReadonlySet<string>;
  readonly #sync: CrossTabSync | null;
  #inFlight: Promise<StoredTokens | null> | null = null;
  /** The access token last seen and when this client first saw it. */
  #seen: { accessToken: string; at: number } | null = null;
  /** Counts this tab's writes, so that a message applied from an older state can tell it lost a race. */
  #changes = 0;
  /** Whether the cookie may still be tried for a session this client holds no tokens of. */
  #restorable: boolean;
  #closed = false;

  /**
   * Creates a client; call `setTokens` after login.
   *
   * @param options - see {@link TokenClientOptions}
   * @throws {InvalidConfigError} `invalid_config` without a `refresh` function, for negative or
   * non-numeric durations, for unusable origins, and for `crossTab` where the browser offers no Web Locks (not a secure context)
   */
  constructor(options: TokenClientOptions) {
    if (typeof options?.refresh !== "function") throw new InvalidConfigError("refresh", "TokenClient needs a refresh function");
    this.#options = options;
    this.#storage = options.storage ?? new MemoryTokenStorage();
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
    this.#marginMs = seconds(options.refreshMargin ?? 60, "refreshMargin") * 1000;
    this.#refreshTimeout = seconds(options.refreshTimeout ?? 10, "refreshTimeout");
    this.#lockTimeout = seconds(options.lockTimeout ?? 2 * this.#refreshTimeout, "lockTimeout");
    this.#origins = allowedOrigins(options.allowedOrigins, options.refresh.url);
    this.#restorable = options.refreshCookie === true;
    this.#sync = options.crossTab ? new CrossTabSync(options.crossTab, (tokens) => this.#receive(tokens)) : null;
  }

  /**
   * Stores the tokens of a login and, with `crossTab`, hands them to the other tabs.
   *
   * @param tokens - the new tokens; `refreshToken: "cookie"` when an `HttpOnly` cookie holds it
   * @throws {RefreshFailedError} `refresh_failed` (`lock_timeout`) when another tab holds the lock too long
   */
  async setTokens(tokens: StoredTokens): Promise<void> {
    this.#assertOpen();
    await this.#exclusive(() => this.#store(tokens));
  }

  /**
   * The current tokens, refreshed first if the access token is within the margin of expiry, or
   * restored with the cookie when there are none yet (`refreshCookie`).
   *
   * @returns the tokens, or `null` when logged out or the session is over
   * @throws {RefreshFailedError} `refresh_failed` when a needed refresh fails this time
   */
  getTokens(): Promise<StoredTokens | null> {
    return this.#tokens(undefined);
  }

  /**
   * Resumes a session after a reload: with `refreshCookie`, a client that holds no tokens
   * refreshes once with the refresh cookie. Call it at startup to learn whether the user is
   * logged in; otherwise the first `fetch` does the same. Never tells other tabs anything until
   * there are real tokens to share.
   *
   * @returns the tokens, or `null` — then `onSessionExpired` has been called — when there is no session
   * @throws {RefreshFailedError} `refresh_failed` when the attempt fails this time (it is then tried again)
   */
  restore(): Promise<StoredTokens | null> {
    return this.getTokens(); // the same flow, named for startup
  }

  /**
   * Forgets the tokens (logout; tell your server too, so that it revokes them). Does not call
   * `onSessionExpired` in this tab. With `crossTab` the other tabs forget them too, and each calls
   * its own `onSessionExpired` once, as their session ended under them.
   */
  async clear(): Promise<void> {
    this.#assertOpen();
    await this.#exclusive(() => this.#store(null));
  }

  /**
   * Releases what the client holds open — with `crossTab`, its BroadcastChannel and IndexedDB
   * connection — so that nothing keeps a Node process alive or a tab listening. Calls already
   * running finish; later calls throw `unsupported_operation`. The tokens stay in `storage`.
   */
  close(): void {
    this.#closed = true;
    this.#sync?.close();
  }

  /**
   * `fetch` with the access token, for the allowed origins (others get a plain `fetch`):
   * refreshes early when the token is about to expire; on a 401 refreshes once and retries once;
   * when the refresh is refused, clears the tokens, calls `onSessionExpired` and returns the 401.
   * `init.signal` aborts this call, including its wait for a refresh, which runs on for others.
   *
   * @param input - as for `fetch`
   * @param init - as for `fetch`
   * @returns the response
   * @throws the signal's reason (an `AbortError`) when aborted; {@link RefreshFailedError}
   * `refresh_failed` when a needed refresh fails this time
   */
  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    this.#assertOpen();
    const request = new Request(input, init);
    if (!this.#origins.has(new URL(request.url).origin)) return this.#fetch(request);
    const tokens = await this.#tokens(request.signal);
    const response = await this.#send(request.clone(), tokens);
    if (response.status !== 401 || !tokens) return response;
    const renewed = await unlessAborted(this.#refresh(tokens), request.signal);
    if (!renewed) return response;
    return this.#send(request, renewed);
  }

  async #tokens(signal: AbortSignal | undefined): Promise<StoredTokens | null> {
    this.#assertOpen();
    const tokens = await this.#storage.get();
    if (tokens ? !this.#isDue(tokens) : !this.#restorable) return tokens;
    return unlessAborted(this.#refresh(tokens), signal);
  }

  #send(request: Request, tokens: StoredTokens | null): Promise<Response> {
    if (!tokens) return this.#fetch(request);
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${tokens.accessToken}`);
    return this.#fetch(new Request(request, { headers }));
  }

  #isDue(tokens: StoredTokens): boolean {
    const seenAt = this.#seen?.accessToken === tokens.accessToken ? this.#seen.at : this.#note(tokens);
    const margin = Math.min(this.#marginMs, (tokens.expiresAt - seenAt) / 2);
    return tokens.expiresAt - this.#now() <= margin;
  }

  /** Notes when this client first saw `tokens`: its lifetime from then on caps the margin. */
  #note(tokens: StoredTokens): number {
    const at = this.#now();
    this.#seen = { accessToken: tokens.accessToken, at };
    return at;
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#sync ? this.#sync.exclusive(work, this.#lockTimeout) : work();
  }

  /** One refresh at a time: concurrent callers share the one in flight. */
  #refresh(stale: StoredTokens | null): Promise<StoredTokens | null> {
    this.#inFlight ??= this.#exclusive(() => this.#renew(stale)).finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  /** Refreshes `stale` (`null`: restores with the cookie) unless someone else already did. Holds the lock. */
  async #renew(stale: StoredTokens | null): Promise<StoredTokens | null> {
    for (;;) {
      const mark = this.#changes;
      const heard = this.#sync?.received ?? 0;
      const current = await this.#storage.get();
      const standing = current && this.#sync ? await this.#sync.standing(current) : "current";
      if (standing === "ended") {
        await this.#end(mark);
        return null;
      }
      // Another tab refreshed before this one took the lock: wait for its tokens, never spend ours.
      if (standing === "behind") {
        await (this.#sync as CrossTabSync).receivedSince(heard, this.#refreshTimeout);
        continue;
      }
      // Someone — another caller or tab — refreshed since `stale` was read: use their tokens.
      // (Compared by access token: it changes on every refresh, even when the refresh token lives in a cookie.)
      if (current && current.accessToken !== stale?.accessToken && !this.#isDue(current)) return current;
      if (!current && (stale || !this.#restorable)) return null;
      return this.#exchange(current, mark);
    }
  }

  async #exchange(current: StoredTokens | null, mark: number): Promise<StoredTokens | null> {
    const next = await withTimeout(
      (signal) => this.#options.refresh(current?.refreshToken ?? IN_COOKIE, { signal }),
      this.#refreshTimeout,
      () => new RefreshFailedError("timeout", `no refresh response within ${this.#refreshTimeout} s`),
    );
    // A login or logout while the request was out: its answer belongs to a session that is gone.
    if (mark !== this.#changes) return this.#storage.get();
    // A restore that finds no cookie session says so here only: the other tabs may hold a newer one.
    if (!next && !current) {
      await this.#end(mark);
      return null;
    }
    await this.#store(next);
    if (!next) this.#options.onSessionExpired?.();
    return next;
  }

  /** Applies what another tab sent, if the record still says it is current. */
  async #receive(tokens: StoredTokens | null): Promise<void> {
    const mark = this.#changes;
    const current = await this.#storage.get();
    if (current?.accessToken === tokens?.accessToken || !(await (this.#sync as CrossTabSync).isCurrent(tokens))) return;
    if (tokens) await this.#adopt(tokens, mark);
    else if (current) await this.#end(mark);
  }

  /** Records, keeps and announces `tokens` (`null`: the session ended). Call it holding the lock. */
  async #store(tokens: StoredTokens | null): Promise<void> {
    this.#changes++; // first: a message being applied from the state before this one now loses
    await this.#sync?.record(tokens);
    await this.#keep(tokens);
    this.#sync?.announce(tokens);
  }

  /** Keeps tokens this tab learnt of (`null`: the session ended), unless it changed its own since `mark`; tells whether it did. */
  async #adopt(tokens: StoredTokens | null, mark: number): Promise<boolean> {
    if (mark !== this.#changes) return false;
    this.#changes++;
    await this.#keep(tokens);
    return true;
  }

  async #keep(tokens: StoredTokens | null): Promise<void> {
    this.#restorable = false;
    if (tokens) this.#note(tokens);
    await this.#storage.set(tokens);
  }

  /** The session is over: forget the tokens and say so, once. */
  async #end(mark: number): Promise<void> {
    if (await this.#adopt(null, mark)) this.#options.onSessionExpired?.();
  }

  #assertOpen(): void {
    if (this.#closed) throw new UnsupportedOperationError("This TokenClient was closed: make a new one");
  }
}

function seconds(value: unknown, option: string): number {
  if (typeof value !== "number" || !(value >= 0 && value < Infinity)) throw new InvalidConfigError(option, `expected seconds, got ${String(value)}`);
  return value;
}
