/**
 * The Redis the benchmark runs against: the test suite's server (127.0.0.1:6379) through its
 * fail-fast `ioredis` connection, with key prefixes unique to this run, all of whose keys are
 * deleted (SCAN + DEL) at the end — after a failure or an interruption too.
 */
import { openRedis, type TestRedis } from "../tests/stores/redis.js";
import { stopMeasuring } from "./measure.js";

/**
 * Opens Redis and runs `use` with it, or with the reason it is unreachable; then deletes every
 * key of the run and disconnects, whatever `use` did.
 */
export async function withRedis<T>(use: (redis: TestRedis | string) => Promise<T>): Promise<T> {
  const redis = await openRedis("ioredis");
  if (typeof redis === "string") return use(redis);
  // Ctrl-C or a kill would otherwise leave this run's keys behind for their whole TTL: stop the
  // batches instead, so that the run fails and cleans up below (a second signal kills at once).
  const interrupted = (signal: NodeJS.Signals): void => stopMeasuring(new Error(`interrupted by ${signal}; deleting this run's Redis keys`));
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    return await use(redis);
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    await redis.close();
  }
}

/** Wraps an object so that `counts` records how often each of its methods is called. */
export function countCalls<T extends object>(target: T, counts: Map<string, number>): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts.set(String(property), (counts.get(String(property)) ?? 0) + 1);
        return (value as (...args: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
