import type { RefreshTokenStore } from "tokenwise";
import { runStoreConformance } from "tokenwise/testing";
import { afterAll, describe, it } from "vitest";
import { openOrSkip } from "./databases.js";
import { openRedis, REDIS_LIBRARIES } from "./redis.js";

for (const library of REDIS_LIBRARIES) {
  const redis = await openOrSkip(() => openRedis(library));
  if (!redis) {
    describe.skip(`RefreshTokenStore conformance: Redis (${library}) (server unreachable)`, () => it("skipped", () => undefined));
    continue;
  }
  afterAll(() => redis.close());
  // Each test gets a key prefix of its own (the kit requires a fresh namespace), its keys deleted when it ends.
  const prefixes = new Map<RefreshTokenStore, string>();
  runStoreConformance({
    name: redis.name,
    createStore: () => {
      const { store, keyPrefix } = redis.openStore();
      prefixes.set(store, keyPrefix);
      return store;
    },
    teardown: async (store) => void (await redis.dropKeys(prefixes.get(store) as string)),
    runner: { describe, it },
    concurrency: 25,
  });
}
