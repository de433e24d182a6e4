/**
 * A separate OS process that refreshes tokens against the shared Redis, for the Redis
 * multi-process tests: `refresh-worker.ts` for `RedisRefreshTokenStore`, with the same modes
 * (`worker-modes.ts`). Configured by environment variables: LIBRARY, KEY_PREFIX, SECRET, GRACE,
 * MODE, TOKEN, REFRESHES.
 *
 * Modes:
 * - race: prints "ready", waits for "go", then REFRESHES concurrent refreshes of TOKEN; prints
 *   one JSON array of outcomes.
 * - chain: refreshes TOKEN, then its successor, and so on, printing each new token, until killed.
 */
import { RedisRefreshTokenStore } from "tokenwise/redis";
import { connectClient, type RedisLibrary } from "./redis.js";
import { chain, race, workerManager } from "./worker-modes.js";

const env = process.env as Record<string, string>;
const { client } = await connectClient(env.LIBRARY as RedisLibrary);
const tokens = workerManager(new RedisRefreshTokenStore({ client, keyPrefix: env.KEY_PREFIX }));
await (env.MODE === "chain" ? chain(tokens) : race(tokens));
