/**
 * Seed 002's flow with refresh tokens in Redis through node-redis (`redis`), configured to fail fast.
 * Run: npx tsx examples/redis/node-redis.ts (REDIS_URL defaults to the local server)
 */
import { createClient } from "redis";
import { RedisRefreshTokenStore, wrapNodeRedis } from "tokenwise/redis";
import { runSeed002Flow } from "../sql/seed-002-flow.js";

// Fail fast: with Redis down a refresh answers store_error (503) at once instead of queueing.
const redis = await createClient({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", disableOfflineQueue: true }).connect();
const store = new RedisRefreshTokenStore({ client: wrapNodeRedis(redis), keyPrefix: process.env.TOKENWISE_KEY_PREFIX ?? "tokenwise" });
await runSeed002Flow(store);
redis.destroy();
