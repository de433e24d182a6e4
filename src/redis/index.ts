/**
 * `tokenwise/redis`: refresh-token storage in Redis (or Valkey), through any client. No client
 * is a dependency: wrap the one you use. Every operation is one Lua script — one atomic step on
 * the server — and every key carries a time to live derived from its record's own end.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { RedisRefreshTokenStore, wrapNodeRedis } from "tokenwise/redis";
 *
 * const redis = await createClient({ disableOfflineQueue: true }).connect();
 * const store = new RedisRefreshTokenStore({ client: wrapNodeRedis(redis), keyPrefix: "auth" });
 * ```
 *
 * @module
 */
export type { RedisClient } from "./client.js";
export { wrapIoredis, type IoredisLike } from "./drivers/ioredis.js";
export { wrapNodeRedis, type NodeRedisEvalOptions, type NodeRedisLike } from "./drivers/node-redis.js";
export { redisKeys, type RedisKeys } from "./keys.js";
export { RedisRefreshTokenStore, type RedisRefreshTokenStoreOptions } from "./redis-store.js";
