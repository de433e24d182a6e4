/**
 * A JWK Set fetched from a URL — the auth server's `/.well-known/jwks.json` — for services that
 * verify tokens they did not issue.
 *
 * @module
 */
import { parseDuration, type Duration } from "./duration.js";
import { InvalidConfigError, KeySetUnavailableError } from "./errors.js";
import { importJwkSet, JWK_SET_ALGORITHMS } from "./lib/_jwk-set.js";
import { staticKeySource, UnknownKeyError, type KeySource } from "./lib/_key-source.js";
import type { AsymmetricAlgorithm, WebCryptoKey } from "./signing-keys.js";

/** A fetched JWK Set as a persistent cache keeps it. Plain JSON: store it as it is. */
export interface CachedJwks {
  /** The JWK Set as the endpoint served it. */
  jwks: unknown;
  /** When it was fetched, in milliseconds since the epoch. */
  fetchedAt: number;
  /** Until when it is fresh, in milliseconds since the epoch; after that it is fetched again. */
  freshUntil: number;
}

/**
 * Somewhere a fetched JWK Set outlives the process — a KV store, a file — so that a serverless
 * function's cold start verifies its first token without fetching. Failures of the cache are
 * reported to `onError` and otherwise ignored: it only ever saves a fetch.
 */
export interface JwksCache {
  /** The entry saved for `url`, if any. */
  get(url: string): CachedJwks | null | undefined | Promise<CachedJwks | null | undefined>;
  /** Saves the entry for `url` after each successful fetch. */
  set(url: string, entry: CachedJwks): void | Promise<void>;
}

/** The `fetch` the key set calls: the global one by default. */
export type JwksFetch = (url: string, init: { headers: Record<string, string>; redirect: "error"; signal: AbortSignal }) => Promise<Response>;

/** Options of {@link RemoteJwks}. */
export interface RemoteJwksOptions {
  /** The algorithms a key of the set may have; keys of any other are ignored. @default every asymmetric algorithm: ES256, ES384, EdDSA, RS256, PS256 */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Longest wait for the endpoint. @default "5s" */
  timeout?: Duration;
  /**
   * Least time between two fetches, whatever triggers them: a token naming an unknown `kid`
   * (a rotation — or an attacker sending random ones) fetches at most once per cooldown. Also the
   * shortest time a fetched set is kept, whatever its `Cache-Control` says.
   * @default "30s"
   */
  cooldown?: Duration;
  /**
   * How long a fetched set is used before it is fetched again: the response's
   * `Cache-Control: max-age`, bounded by `cooldown` below and by this above; this when the
   * response names no `max-age`.
   * @default "10m"
   */
  maxCacheAge?: Duration;
  /**
   * While the endpoint fails (down, timing out, answering garbage), the last good set goes on
   * being used for this long past its freshness; then verification fails with
   * `key_set_unavailable`. Longer keeps services up through an auth-server outage; shorter makes
   * a key removed from the set stop working sooner even if its removal cannot be fetched.
   * @default "1h"
   */
  maxStaleAge?: Duration;
  /** A persistent cache for cold starts; see {@link JwksCache}. @default none */
  cache?: JwksCache;
  /**
   * Told of every failure that verification survives: a failed fetch while an older set is still
   * used, a key of the set that was ignored (its reason), a failing cache. For logs and alerts.
   * @default none
   */
  onError?: (error: KeySetUnavailableError) => void;
  /** Extra request headers (e.g. an API key of the auth server). @default none */
  headers?: Readonly<Record<string, string>>;
  /** The `fetch` to call. @default globalThis.fetch */
  fetch?: JwksFetch;
  /** The clock, for freshness and cooldown. @default () => new Date() */
  now?: () => Date;
}

/** Largest JWK Set body read: real sets are a few kilobytes. */
const MAX_BODY_BYTES = 1 << 20;

/** One successfully fetched set. */
interface Snapshot {
  source: KeySource;
  freshUntil: number;
  /** The set as fetched, serialised: a refetch that brings the same set keeps the epoch. */
  fingerprint: string;
  epoch: number;
}

/**
 * The keys of a JWKS URL, fetched with `fetch` when first needed and kept fresh: refetched when
 * its cache age has passed or when a token names a `kid` it does not hold (a rotation), never more
 * often than once per `cooldown`; one fetch shared by every concurrent caller; a timeout; the last
 * good set kept in use while the endpoint fails, up to `maxStaleAge`. Only keys whose `alg` is
 * allowed and whose `use`/`key_ops` permit verification are used.
 *
 * Give it to `TokenVerifier` as `keys` (a URL string there does the same with the defaults).
 * The URL must be `https:`, except on a loopback host (`localhost`, `127.0.0.1`, `[::1]`).
 *
 * @example
 * ```ts
 * import { RemoteJwks, TokenVerifier } from "tokenwise";
 *
 * const verifier = new TokenVerifier({
 *   issuer: "https://auth.example.com",
 *   audience: "orders-api",
 *   keys: new RemoteJwks("https://auth.example.com/.well-known/jwks.json", { cooldown: "1m" }),
 * });
 * ```
 */
export class RemoteJwks {
  /** The URL of the set. */
  readonly url: string;
  /** The algorithms a key of the set may have: verification accepts no other. */
  readonly algorithms: readonly string[];
  readonly #timeoutMs: number;
  readonly #cooldownMs: number;
  readonly #maxCacheAgeMs: number;
  readonly #maxStaleAgeMs: number;
  readonly #options: RemoteJwksOptions;
  readonly #now: () => Date;
  #snapshot: Snapshot | null = null;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #lastError: KeySetUnavailableError | null = null;
  #fetching: Promise<void> | null = null;
  #cacheRead: Promise<void> | null = null;

  /**
   * @param url - the JWKS URL
   * @param options - see {@link RemoteJwksOptions}
   * @throws {InvalidConfigError} `invalid_config` for a URL that is not `https:` (or loopback `http:`), or a bad option
   */
  constructor(url: string | URL, options: RemoteJwksOptions = {}) {
    this.url = checkUrl(url);
    this.algorithms = checkAlgorithms(options.algorithms);
    this.#timeoutMs = parseDuration(options.timeout ?? "5s", "timeout") * 1000;
    this.#cooldownMs = parseDuration(options.cooldown ?? "30s", "cooldown") * 1000;
    this.#maxCacheAgeMs = parseDuration(options.maxCacheAge ?? "10m", "maxCacheAge") * 1000;
    this.#maxStaleAgeMs = parseDuration(options.maxStaleAge ?? "1h", "maxStaleAge", { allowZero: true }) * 1000;
    if (this.#maxCacheAgeMs < this.#cooldownMs) throw new InvalidConfigError("maxCacheAge", "must not be shorter than cooldown");
    for (const hook of ["onError", "fetch", "now"] as const) {
      if (options[hook] !== undefined && typeof options[hook] !== "function") throw new InvalidConfigError(hook, "expected a function");
    }
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * The version of the key set in use: it grows each time a fetch brings a set that differs from
   * the last, which empties the verified-token cache of every `TokenVerifier` using this set.
   * `null` while no set is fresh (none fetched yet, or past its freshness): nothing is then
   * answered from that cache until a fetch has vouched for the set again.
   */
  get epoch(): number | null {
    const snapshot = this.#snapshot;
    return snapshot !== null && this.#now().getTime() < snapshot.freshUntil ? snapshot.epoch : null;
  }

  /**
   * The key a token header names, fetching the set first when it is missing, expired, or lacks
   * this `kid` (at most once per cooldown). Used by `TokenVerifier`.
   *
   * @param kid - the header's `kid`
   * @param alg - the header's `alg`, already checked against {@link algorithms}
   * @returns the key
   * @throws {KeySetUnavailableError} `key_set_unavailable` when no set young enough can be had
   */
  async keyFor(kid: string, alg: string): Promise<WebCryptoKey> {
    // The persistent cache is read once, on the first call, shared by every caller of that moment.
    if (!this.#snapshot) await (this.#cacheRead ??= this.#readCache());
    if (!this.#snapshot || this.#now().getTime() >= this.#snapshot.freshUntil) await this.#refetch();
    const snapshot = this.#usableSnapshot();
    try {
      return await snapshot.source.keyFor(kid, alg);
    } catch (error) {
      if (!(error instanceof UnknownKeyError) || !(await this.#refetch())) throw error;
      // A key set that failed to load cannot rule out a rotation: unavailable, not unknown.
      if (this.#snapshot === snapshot && this.#lastError) throw this.#unavailable();
      return await this.#usableSnapshot().source.keyFor(kid, alg);
    }
  }

  /**
   * Fetches unless the cooldown forbids it; a fetch in flight is joined, never doubled.
   * @returns whether a fetch ran
   */
  async #refetch(): Promise<boolean> {
    if (!this.#fetching) {
      if (this.#now().getTime() - this.#lastAttempt < this.#cooldownMs) return false;
      this.#lastAttempt = this.#now().getTime();
      this.#fetching = this.#fetch().finally(() => {
        this.#fetching = null;
      });
    }
    await this.#fetching;
    return true;
  }

  #usableSnapshot(): Snapshot {
    const snapshot = this.#snapshot;
    if (snapshot && this.#now().getTime() < snapshot.freshUntil + this.#maxStaleAgeMs) return snapshot;
    throw this.#unavailable();
  }

  #unavailable(): KeySetUnavailableError {
    const reason = this.#lastError ? this.#lastError.message : `no key set of ${this.url} is young enough to use`;
    return new KeySetUnavailableError(reason, { cause: this.#lastError ?? undefined });
  }

  async #fetch(): Promise<void> {
    try {
      const response = await (this.#options.fetch ?? fetch)(this.url, {
        headers: { accept: "application/jwk-set+json, application/json", ...this.#options.headers },
        redirect: "error",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      const jwks = JSON.parse(await readBounded(response));
      const fetchedAt = this.#now().getTime();
      const freshUntil = fetchedAt + this.#freshness(response.headers.get("cache-control"));
      await this.#adopt(jwks, freshUntil);
      this.#lastError = null;
      await this.#report(() => this.#options.cache?.set(this.url, { jwks, fetchedAt, freshUntil }), "saving to the cache");
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.#lastError = new KeySetUnavailableError(`fetching the JWK Set ${this.url} failed: ${detail}`, { cause: error });
      if (this.#snapshot) this.#options.onError?.(this.#lastError);
    }
  }

  async #readCache(): Promise<void> {
    const cache = this.#options.cache;
    if (!cache) return;
    await this.#report(async () => {
      const entry = await cache.get(this.url);
      if (entry && typeof entry.freshUntil === "number") await this.#adopt(entry.jwks, entry.freshUntil);
    }, "reading the cache");
  }

  /** Makes a set the current one; a set without a single usable key is an error, not an empty set. */
  async #adopt(jwks: unknown, freshUntil: number): Promise<void> {
    const { keys, refused } = await importJwkSet(jwks, this.algorithms);
    for (const reason of refused) this.#options.onError?.(new KeySetUnavailableError(`${this.url}: ignored ${reason}`));
    if (keys.length === 0) throw new Error(`no usable key${refused.length > 0 ? `: ${refused.join("; ")}` : ""}`);
    const fingerprint = JSON.stringify(jwks);
    const previous = this.#snapshot;
    const epoch = previous === null ? 1 : previous.fingerprint === fingerprint ? previous.epoch : previous.epoch + 1;
    this.#snapshot = { source: staticKeySource(keys, this.algorithms), freshUntil, fingerprint, epoch };
  }

  /** Freshness from `Cache-Control`, within [cooldown, maxCacheAge]. */
  #freshness(cacheControl: string | null): number {
    const directives = (cacheControl ?? "").toLowerCase();
    const maxAge = /(?:^|[,\s])max-age=(\d+)/.exec(directives);
    const noCache = /(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s])/.test(directives);
    const wanted = noCache ? 0 : maxAge ? Number(maxAge[1]) * 1000 : this.#maxCacheAgeMs;
    return Math.min(this.#maxCacheAgeMs, Math.max(this.#cooldownMs, wanted));
  }

  async #report(task: () => unknown, doing: string): Promise<void> {
    try {
      await task();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.#options.onError?.(new KeySetUnavailableError(`${this.url}: ${doing} failed: ${detail}`, { cause: error }));
    }
  }
}

/** Reads a body of at most {@link MAX_BODY_BYTES}, cancelling the rest. */
async function readBounded(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.length;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new Error(`the body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(read.value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(body);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function checkUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new InvalidConfigError("url", `not a URL: ${JSON.stringify(String(url))}`, { cause: error });
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname))) {
    throw new InvalidConfigError("url", `a JWK Set must be fetched over https: (plain http only from a loopback host); got ${parsed.protocol}`);
  }
  return parsed.href;
}

function checkAlgorithms(algorithms: readonly AsymmetricAlgorithm[] | undefined): readonly string[] {
  if (algorithms === undefined) return JWK_SET_ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((alg) => JWK_SET_ALGORITHMS.includes(alg))) {
    throw new InvalidConfigError("algorithms", `expected a non-empty list of ${JWK_SET_ALGORITHMS.join(", ")}`);
  }
  return [...algorithms];
}
