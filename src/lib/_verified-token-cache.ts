/**
 * The verified-token cache behind `verifiedTokenCache`: a bounded LRU keyed by the whole
 * canonical token string — never a hash or a prefix of it, so two tokens can never share an entry
 * (a fast-jwt advisory: cache keys that collided handed one user's claims to another).
 * Internal.
 */
import { InvalidConfigError } from "../errors.js";
import type { JsonObject } from "../store.js";
import type { VerifiedTokenCacheOptions, VerifiedTokenCacheStats } from "../verified-token-cache.js";

const DEFAULT_MAX_ENTRIES = 1000;

interface Entry {
  claims: JsonObject;
  iat: number;
  exp: number;
  nbf: number | undefined;
}

/** Verified access tokens of one key source, valid for the key set (`epoch`) they verified under. */
export class VerifiedTokenCache {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();
  /** The key set the entries verified under. */
  #epoch: number | null = null;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /**
   * The claims of `token` if it verified under the key set now in use (`epoch`) and its time
   * claims still pass at `nowSeconds`, with the same inequalities as verification; otherwise
   * `undefined`, and the token must be verified in full.
   */
  get(token: string, epoch: number | null, nowSeconds: number, toleranceSeconds: number): JsonObject | undefined {
    // A source that cannot vouch for its set answers nothing now, but a refetch of the same set keeps what it verified.
    if (epoch !== null && epoch !== this.#epoch) this.#flush(epoch);
    const entry = epoch === null ? undefined : this.#entries.get(token);
    if (!entry) {
      this.#misses++;
      return undefined;
    }
    this.#entries.delete(token);
    const { iat, exp, nbf } = entry;
    if (exp <= nowSeconds - toleranceSeconds || iat > nowSeconds + toleranceSeconds || (nbf !== undefined && nbf > nowSeconds + toleranceSeconds)) {
      // Expired, or (a clock set back) not yet valid: full verification says which.
      this.#misses++;
      return undefined;
    }
    this.#entries.set(token, entry);
    this.#hits++;
    return entry.claims;
  }

  /**
   * Keeps the claims of a token that just verified, unless the key set changed while it did
   * (`epochBefore` and `epochAfter` differ) or cannot vouch for itself (`null`).
   *
   * @returns the claims, deep-frozen: the caller gets the very object later hits return
   */
  set(token: string, claims: JsonObject, epochBefore: number | null, epochAfter: number | null): JsonObject {
    deepFreeze(claims);
    if (epochBefore === null || epochBefore !== epochAfter) return claims;
    if (epochAfter !== this.#epoch) this.#flush(epochBefore);
    this.#entries.set(token, { claims, iat: claims.iat as number, exp: claims.exp as number, nbf: claims.nbf as number | undefined });
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    return claims;
  }

  /** Counts since creation, and the entries now kept. */
  stats(): VerifiedTokenCacheStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size, maxEntries: this.#maxEntries };
  }

  #flush(epoch: number): void {
    this.#entries.clear();
    this.#epoch = epoch;
  }
}

/**
 * Reads the `verifiedTokenCache` option.
 *
 * @returns how many entries a cache may hold, or `null` with the cache off
 * @throws {InvalidConfigError} `invalid_config` naming `verifiedTokenCache` or its `maxEntries`
 */
export function cacheSizeOf(option: VerifiedTokenCacheOptions | false | undefined): number | null {
  if (option === false) return null;
  if (option === undefined) return DEFAULT_MAX_ENTRIES;
  if (typeof option !== "object" || option === null) throw new InvalidConfigError("verifiedTokenCache", "expected { maxEntries } or false");
  const { maxEntries = DEFAULT_MAX_ENTRIES } = option;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new InvalidConfigError("verifiedTokenCache.maxEntries", "expected a positive integer");
  return maxEntries;
}

/** Sums the stats of several caches (a verifier's issuers); all zero for none. */
export function sumStats(caches: readonly (VerifiedTokenCache | null)[]): VerifiedTokenCacheStats {
  const total: VerifiedTokenCacheStats = { hits: 0, misses: 0, entries: 0, maxEntries: 0 };
  for (const cache of caches) {
    const stats = cache?.stats();
    if (!stats) continue;
    total.hits += stats.hits;
    total.misses += stats.misses;
    total.entries += stats.entries;
    total.maxEntries = stats.maxEntries;
  }
  return total;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
}
