/**
 * Seed 002's flow with refresh tokens in Redis through `ioredis`, configured to fail fast.
 * Run: npx tsx examples/redis/ioredis.ts (REDIS_URL defaults to the local server)
 */
import { once } from "node:events";
import Redis from "ioredis";
import { RedisRefreshTokenStore, wrapIoredis } from "tokenwise/redis";
import { runSeed002Flow } from "../sql/seed-002-flow.js";

// Fail fast: with Redis down a refresh answers store_error (503) at once instead of queueing.
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
await once(redis, "ready"); // without the offline queue, commands sent earlier would fail
const store = new RedisRefreshTokenStore({ client: wrapIoredis(redis), keyPrefix: process.env.TOKENWISE_KEY_PREFIX ?? "tokenwise" });
await runSeed002Flow(store);
redis.disconnect();
