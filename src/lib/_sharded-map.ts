/**
 * A `Map` split into shards, for the memory store's indexes. Internal.
 *
 * One V8 `Map` holds at most 2^24 entries (it throws a `RangeError` beyond) and rehashes all of
 * them in one synchronous step whenever it grows or shrinks past a power of two; at millions of
 * entries that step blocks the event loop for tens of milliseconds. 64 shards raise the limit
 * to 2^30 entries and keep each rehash 64 times smaller.
 */

const SHARD_BITS = 6;
const SHARD_MASK = (1 << SHARD_BITS) - 1;
/** How many characters of each end of a key pick its shard: enough for random and for prefixed keys. */
const SAMPLED = 8;

/** A string-keyed map over 64 `Map`s; the shard of a key is a hash of its first and last characters. */
export class ShardedMap<V> {
  readonly #shards: Map<string, V>[] = Array.from({ length: SHARD_MASK + 1 }, () => new Map<string, V>());

  get(key: string): V | undefined {
    return this.#shardOf(key).get(key);
  }

  has(key: string): boolean {
    return this.#shardOf(key).has(key);
  }

  set(key: string, value: V): void {
    this.#shardOf(key).set(key, value);
  }

  delete(key: string): boolean {
    return this.#shardOf(key).delete(key);
  }

  #shardOf(key: string): Map<string, V> {
    // FNV-1a over the sampled characters: cheap, and spreads keys that share a long prefix.
    let hash = 0x811c9dc5;
    const length = key.length;
    const head = Math.min(length, SAMPLED);
    for (let i = 0; i < head; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    for (let i = Math.max(head, length - SAMPLED); i < length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return this.#shards[(hash ^ (hash >>> 16)) & SHARD_MASK] as Map<string, V>;
  }
}
