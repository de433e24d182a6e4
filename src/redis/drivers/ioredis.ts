/**
 * Wrapper for an `ioredis` client: `Redis` or `Cluster`.
 *
 * @module
 */
import { InvalidConfigError } from "../../errors.js";
import type { RedisClient } from "../client.js";

/** The part of an `ioredis` `Redis` or `Cluster` the store uses. */
export interface IoredisLike {
  /** The client's options: its `keyPrefix` must be unset. */
  readonly options?: {
    /** ioredis' own key prefix, which the store refuses. */
    keyPrefix?: string | undefined;
  };
  /** `EVALSHA sha numkeys key… arg…`. */
  evalsha(sha: string, numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** `EVAL script numkeys key… arg…`. */
  eval(script: string, numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * Wraps an `ioredis` `Redis` (or `Cluster`) as a {@link RedisClient}.
 *
 * For fail-fast behaviour create it with `enableOfflineQueue: false` (a command sent while
 * disconnected rejects at once instead of waiting for the connection) and
 * `maxRetriesPerRequest: 1` (a command caught by a dropped connection is retried once after the
 * reconnection, then rejects). Wait for its `ready` event before serving requests: without the
 * offline queue, commands sent before it reject.
 *
 * The store names its keys itself, under its own `keyPrefix`; ioredis' `keyPrefix` option would
 * rename only the keys that route each call, so a client with one is refused.
 *
 * @param client - an `ioredis` client, without a `keyPrefix`
 * @returns a client for `RedisRefreshTokenStore`
 * @throws {InvalidConfigError} `invalid_config` naming `keyPrefix` when the client has one
 *
 * @example
 * ```ts
 * import { once } from "node:events";
 * import Redis from "ioredis";
 * import { RedisRefreshTokenStore, wrapIoredis } from "tokenwise/redis";
 *
 * const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * await once(redis, "ready");
 * const store = new RedisRefreshTokenStore({ client: wrapIoredis(redis) });
 * ```
 */
export function wrapIoredis(client: IoredisLike): RedisClient {
  if (client.options?.keyPrefix) {
    throw new InvalidConfigError("keyPrefix", "set RedisRefreshTokenStore's keyPrefix, not the ioredis client's: the store names its keys itself");
  }
  return {
    evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  };
}
