/**
 * `refresh` on the Redis store (`tokenwise/redis` over ioredis), one caller and IN_FLIGHT at
 * once, in the same rounds as two baselines: the store's own scripts through a bare ioredis
 * connection plus a bare sign (`bare-redis.ts`; the ratio is tokenwise's overhead), and
 * `refresh` on the memory store (the ratio is the price of Redis's round trips and scripts).
 * Then what one Redis refresh costs: round trips, and CPU in Node and in Redis.
 */
import Redis from "ioredis";
import { openRedis, REDIS_URL, type TestRedis } from "../tests/stores/redis.js";
import type { TokenwiseBuild } from "./backends.js";
import { bareRedisCalls } from "./bare-redis.js";
import { bareRefresher } from "./bare-rotation.js";
import { compareCases, mergeGroups, type GroupResult } from "./comparison.js";
import { BENCH_CLAIMS, createManager, refreshChains } from "./managers.js";
import type { BatchSettings, Operation } from "./measure.js";
import { bareAccessTokenSigner } from "./memory-refresh.js";
import type { PeerKeys } from "./peer-keys.js";
import { describeRefreshCosts } from "./refresh-costs.js";
import { countCalls, withService } from "./services.js";
import { IN_FLIGHT } from "./verify-cases.js";

/** The case names, as the output refers to them. */
export const REDIS_CASES = { redis: "refresh (Redis store, ioredis)", bare: "bare ioredis + sign", memory: "refresh (memory store)" } as const;

/** A plain ioredis connection with the fail-fast settings of the store's, for the bare baseline. */
async function connectBare(): Promise<Redis> {
  const bare = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  bare.on("error", () => undefined); // reported through the commands that fail
  await bare.connect();
  return bare;
}

async function measureRedis(redis: TestRedis, native: TokenwiseBuild, keys: PeerKeys, settings: BatchSettings): Promise<GroupResult> {
  const storeCalls = new Map<string, number>();
  const commands = new Map<string, number>();
  const { store, keyPrefix } = redis.openStore({ client: countCalls(redis.client, commands) });
  const memory = createManager(native.module, keys.signingKey);
  const onRedis = createManager(native.module, keys.signingKey, { store: countCalls(store, storeCalls) });
  const sign = bareAccessTokenSigner(keys, (await memory.issue({ subject: "user-42", claims: BENCH_CLAIMS })).accessToken);
  const bare = await connectBare();
  const refresh = bareRefresher(await bareRedisCalls(bare, keyPrefix), sign);
  const bareTokens = { issue: onRedis.issue.bind(onRedis), refresh: async (token: string) => ({ refreshToken: await refresh(token) }) };
  const groups: GroupResult[] = [];
  let concurrent: [Operation, Operation] | undefined;
  try {
    for (const inFlight of [1, IN_FLIGHT]) {
      concurrent = [await refreshChains(memory, inFlight), await refreshChains(onRedis, inFlight)];
      const cases = [
        { name: REDIS_CASES.redis, operation: concurrent[1] },
        { name: REDIS_CASES.bare, operation: await refreshChains(bareTokens, inFlight) },
        { name: REDIS_CASES.memory, operation: concurrent[0] },
      ];
      const comparisons: [string, string][] = [
        [REDIS_CASES.redis, REDIS_CASES.bare],
        [REDIS_CASES.redis, REDIS_CASES.memory],
      ];
      groups.push(await compareCases({ group: redisGroupName(keys.alg, inFlight), cases, comparisons, inFlight, settings }));
    }
  } finally {
    bare.disconnect();
  }
  const [memoryRefresh, redisRefresh] = concurrent as [Operation, Operation];
  const counted = { refresh: redisRefresh, storeCalls, commands, control: redis.control };
  const notes = await describeRefreshCosts(memoryRefresh, counted, IN_FLIGHT, settings.batch);
  return { ...mergeGroups(groups), notes };
}

/** The name of a Redis group, e.g. "refresh on Redis (ioredis) EdDSA, 1 in flight". */
export function redisGroupName(alg: string, inFlight: number): string {
  return `refresh on Redis (ioredis) ${alg}, ${inFlight} in flight`;
}

/**
 * Measures the Redis rows, or skips them with the reason Redis is unreachable.
 *
 * @param native - the tokenwise build Node loads
 */
export async function redisCases(native: TokenwiseBuild, keys: PeerKeys, settings: BatchSettings): Promise<GroupResult> {
  return withService(
    () => openRedis("ioredis"),
    async (redis) => {
      if (typeof redis === "string") return { cases: [], ratios: [], skipped: [{ service: "Redis (ioredis)", reason: redis }] };
      return measureRedis(redis, native, keys, settings);
    },
  );
}
