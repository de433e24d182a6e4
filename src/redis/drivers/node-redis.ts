/**
 * Wrapper for a `redis` (node-redis v4 or v5) client or cluster.
 *
 * @module
 */
import type { RedisClient } from "../client.js";

/** The keys and arguments of a node-redis `eval`/`evalSha` call. */
export interface NodeRedisEvalOptions {
  /** The keys the script declares. */
  keys: string[];
  /** The script's arguments. */
  arguments: string[];
}

/** The part of a node-redis client (`createClient`) or cluster (`createCluster`) the store uses. */
export interface NodeRedisLike {
  /** `EVALSHA`. */
  evalSha(sha: string, options: NodeRedisEvalOptions): Promise<unknown>;
  /** `EVAL`. */
  eval(script: string, options: NodeRedisEvalOptions): Promise<unknown>;
}

/**
 * Wraps a node-redis client or cluster as a {@link RedisClient}.
 *
 * For fail-fast behaviour create it with `disableOfflineQueue: true`: a command sent while
 * disconnected then rejects at once instead of waiting for the reconnection. Commands in
 * flight when a connection drops reject too (node-redis never resends them).
 *
 * @param client - a connected node-redis client
 * @returns a client for `RedisRefreshTokenStore`
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { RedisRefreshTokenStore, wrapNodeRedis } from "tokenwise/redis";
 *
 * const redis = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const store = new RedisRefreshTokenStore({ client: wrapNodeRedis(redis) });
 * ```
 */
export function wrapNodeRedis(client: NodeRedisLike): RedisClient {
  return {
    evalsha: (sha, keys, args) => client.evalSha(sha, { keys: [...keys], arguments: [...args] }),
    eval: (script, keys, args) => client.eval(script, { keys: [...keys], arguments: [...args] }),
  };
}
