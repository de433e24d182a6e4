/**
 * The structural Redis client `RedisRefreshTokenStore` talks to: two commands. Ready-made
 * wrappers exist for `ioredis` and `redis` (node-redis); any other client takes a few lines.
 *
 * @module
 */

/**
 * Runs Lua scripts, which is all the store ever sends: every read and every write is one script.
 *
 * A client should **fail fast** when Redis is unreachable, rejecting at once instead of queueing
 * commands until the connection returns: a refresh then fails with `store_error` in
 * milliseconds rather than hanging until the manager's `storeTimeout`. With `ioredis` set
 * `enableOfflineQueue: false` and `maxRetriesPerRequest: 1`; with node-redis set
 * `disableOfflineQueue: true`.
 *
 * Rejections must carry Redis's error reply as the error's `message` (`"NOSCRIPT No matching
 * script…"`): the store recognises `NOSCRIPT` that way and runs the script with `eval` instead,
 * which also loads it again.
 *
 * @example
 * ```ts
 * import { RedisRefreshTokenStore, type RedisClient } from "tokenwise/redis";
 *
 * // Bun's built-in client: any client that sends a raw command does.
 * const redis = new Bun.RedisClient(process.env.REDIS_URL);
 * const client: RedisClient = {
 *   evalsha: (sha, keys, args) => redis.send("EVALSHA", [sha, String(keys.length), ...keys, ...args]),
 *   eval: (script, keys, args) => redis.send("EVAL", [script, String(keys.length), ...keys, ...args]),
 * };
 * const store = new RedisRefreshTokenStore({ client });
 * ```
 */
export interface RedisClient {
  /**
   * `EVALSHA sha numkeys key… arg…`: runs a script the server has cached.
   *
   * @param sha - the script's SHA-1, 40 lowercase hex characters
   * @param keys - the keys the script declares; the first routes the call on Redis Cluster
   * @param args - the script's arguments
   * @returns the script's reply: strings, integers, `null` and arrays of them
   */
  evalsha(sha: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;

  /**
   * `EVAL script numkeys key… arg…`: runs a script from its source (and caches it on the node
   * that ran it). The store calls it only after `NOSCRIPT`.
   *
   * @param script - the Lua source
   * @param keys - the keys the script declares
   * @param args - the script's arguments
   * @returns the script's reply
   */
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}
