/**
 * `issue` and `refresh` with a store: the memory store, and the Redis store measured against it
 * in the same rounds, one refresh in flight and IN_FLIGHT at once.
 */
import { MemoryRefreshTokenStore, TokenManager, type RefreshTokenStore, type SigningKey } from "tokenwise";
import type { TestRedis } from "../tests/stores/redis.js";
import { measure, type Operation } from "./measure.js";
import { countCalls } from "./redis.js";
import { describeRefreshCosts } from "./refresh-costs.js";
import type { Result } from "./report.js";

/** How many refreshes run at once in the concurrent comparison. */
const IN_FLIGHT = 16;
/** The Redis store must refresh at least this share of the memory store's refreshes per second, IN_FLIGHT at once. */
const TARGET_SHARE = 0.5;

/** A manager over `store`, with the issuer and audience every bench case uses. */
export function manager(signingKey: SigningKey, store: RefreshTokenStore = new MemoryRefreshTokenStore()): TokenManager {
  return new TokenManager({ issuer: "https://bench.test", audience: "api", signingKeys: [signingKey], store });
}

/**
 * A refresh operation over one session per lane: each lane rotates its own chain of tokens, so
 * no two refreshes in flight ever present the same token (which would be a reuse).
 */
async function refreshChains(tokens: TokenManager, lanes: number): Promise<Operation> {
  const current = await Promise.all(Array.from({ length: lanes }, async (_, lane) => (await tokens.issue({ subject: `bench-lane-${lane}` })).refreshToken));
  return async (lane) => {
    current[lane] = (await tokens.refresh(current[lane])).refreshToken;
  };
}

/** The Redis store under measurement: a manager over it, counters of its calls, and the server. */
interface RedisCandidate {
  name: string;
  tokens: TokenManager;
  storeCalls: Map<string, number>;
  commands: Map<string, number>;
  redis: TestRedis;
}

function redisCandidate(signingKey: SigningKey, redis: TestRedis): RedisCandidate {
  const storeCalls = new Map<string, number>();
  const commands = new Map<string, number>();
  const { store } = redis.openStore({ client: countCalls(redis.client, commands) });
  return { name: `Redis store (${redis.library})`, tokens: manager(signingKey, countCalls(store, storeCalls)), storeCalls, commands, redis };
}

/**
 * The store cases: `issue`, then `refresh` one at a time and IN_FLIGHT at once, on the memory
 * store and, when `redis` is a server rather than the reason it is unreachable, on Redis.
 *
 * @returns the table rows, and notes on the Redis rows: the target and what a refresh costs, or why they were skipped
 */
export async function storeCases(signingKey: SigningKey, redis: TestRedis | string): Promise<{ results: Result[]; notes: string[] }> {
  const alg = signingKey.alg;
  const memory = manager(signingKey);
  const candidate = typeof redis === "string" ? undefined : redisCandidate(signingKey, redis);
  const results: Result[] = [];
  const shares: number[] = [];
  let concurrent: Operation[] = [];
  for (const inFlight of [1, IN_FLIGHT]) {
    const suffix = `, ${inFlight} in flight`;
    const baselineName = `refresh ${alg} + memory store${suffix} (baseline)`;
    const refreshes = [await refreshChains(memory, inFlight)];
    if (candidate) refreshes.push(await refreshChains(candidate.tokens, inFlight));
    // One at a time, `issue` is timed in the same rounds, as it always was.
    const issue: Operation[] = inFlight === 1 ? [() => memory.issue({ subject: "user-42" })] : [];
    const medians = await measure([...issue, ...refreshes], inFlight);
    if (issue.length > 0) results.push({ name: `issue ${alg} + memory store`, microseconds: medians.shift() as number });
    const [baseline, measured] = medians as [number, number?];
    results.push({ name: baselineName, microseconds: baseline });
    if (candidate && measured !== undefined) {
      results.push({ name: `refresh ${alg} + ${candidate.name}${suffix}`, microseconds: measured, baseline: baselineName });
      shares.push(baseline / measured);
    }
    concurrent = refreshes;
  }
  if (!candidate) return { results, notes: [`Redis rows skipped: ${redis as string}`] };
  const [alone, together] = shares as [number, number];
  const verdict = together >= TARGET_SHARE ? "met" : "NOT met";
  const [memoryRefresh, redisRefresh] = concurrent as [Operation, Operation];
  const counted = { refresh: redisRefresh, storeCalls: candidate.storeCalls, commands: candidate.commands, control: candidate.redis.control };
  return {
    results,
    notes: [
      `Redis/memory refresh() per second: ${alone.toFixed(2)}× with 1 in flight, ${together.toFixed(2)}× with ${IN_FLIGHT} in flight (target ≥ ${TARGET_SHARE}× with ${IN_FLIGHT}: ${verdict})`,
      ...(await describeRefreshCosts(memoryRefresh, counted, IN_FLIGHT)),
    ],
  };
}
