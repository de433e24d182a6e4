import { afterAll, describe, it } from "vitest";
import { openOrSkip } from "../stores/databases.js";
import { openRedis, REDIS_LIBRARIES, REDIS_URL, type TestRedis } from "../stores/redis.js";
import { expectSeed002Flow, runExample } from "./run-example.js";

for (const library of REDIS_LIBRARIES) {
  const redis = await openOrSkip(() => openRedis(library));
  describe.skipIf(!redis)(`examples/redis/${library}.ts`, () => {
    afterAll(() => (redis as TestRedis).close());
    it("runs seed 002's flow on Redis, under a key prefix of its own", async () => {
      const { keyPrefix } = (redis as TestRedis).openStore(); // a prefix of this run: its keys are deleted at close
      expectSeed002Flow(await runExample(`redis/${library}.ts`, { REDIS_URL, TOKENWISE_KEY_PREFIX: keyPrefix }));
    });
  });
}
