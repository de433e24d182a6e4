/**
 * What one refresh costs on the Redis store next to the memory store, to explain the ratio of
 * their throughputs: the store calls and Redis commands (round trips) a refresh sends, and the
 * CPU it takes in this process and in the Redis server.
 */
import { cpus, loadavg } from "node:os";
import type Redis from "ioredis";
import { runBatch, type Operation } from "./measure.js";

/** How many batches of each store the costs are summed over, alternating. */
const ROUNDS = 5;

/** The Redis store under measurement: its refresh, and counters of its store calls and of its client's commands. */
export interface CountedRedisRefresh {
  refresh: Operation;
  storeCalls: Map<string, number>;
  commands: Map<string, number>;
  /** A connection of its own to the same server, to read the server's counters. */
  control: Redis;
}

/** The server's CPU time and its EVALSHA count and time, in microseconds (every client's: the server may be shared). */
async function serverCounters(control: Redis): Promise<{ cpu: number; scripts: number; scriptTime: number }> {
  const info = await control.info("cpu", "commandstats");
  const field = (pattern: RegExp): number => Number(pattern.exec(info)?.[1] ?? 0);
  const evalsha = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
  return {
    cpu: (field(/used_cpu_user:([\d.]+)/) + field(/used_cpu_sys:([\d.]+)/)) * 1e6,
    scripts: Number(evalsha?.[1] ?? 0),
    scriptTime: Number(evalsha?.[2] ?? 0),
  };
}

function processCpu(since?: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return user + system;
}

/**
 * Runs ROUNDS batches of `batch` refreshes on each store, `inFlight` at once, alternating, and
 * describes what one refresh cost.
 *
 * @returns two notes: the round trips of a Redis refresh, and the CPU of a refresh on each store
 */
export async function describeRefreshCosts(memory: Operation, redis: CountedRedisRefresh, inFlight: number, batch: number): Promise<string[]> {
  let memoryCpu = 0;
  let redisCpu = 0;
  redis.storeCalls.clear();
  redis.commands.clear();
  const server = await serverCounters(redis.control);
  for (let round = 0; round < ROUNDS; round++) {
    let start = process.cpuUsage();
    await runBatch(memory, inFlight, batch);
    memoryCpu += processCpu(start);
    start = process.cpuUsage();
    await runBatch(redis.refresh, inFlight, batch);
    redisCpu += processCpu(start);
  }
  const after = await serverCounters(redis.control);
  const refreshes = ROUNDS * batch;
  const perRefresh = (counts: Map<string, number>): string => [...counts].map(([name, count]) => `${name} ${(count / refreshes).toFixed(2)}`).join(" + ");
  const roundTrips = [...redis.commands.values()].reduce((sum, count) => sum + count, 0) / refreshes;
  const scripts = after.scripts - server.scripts;
  const microseconds = (total: number): string => `${Math.round(total / refreshes)} µs`;
  return [
    `Redis round trips per refresh: ${roundTrips.toFixed(2)} (store calls: ${perRefresh(redis.storeCalls)}; commands: ${perRefresh(redis.commands)})`,
    `CPU per refresh, ${inFlight} in flight: memory store ${microseconds(memoryCpu)} in Node; Redis store ${microseconds(redisCpu)} in Node + ` +
      `${microseconds(after.cpu - server.cpu)} in the Redis server, of which scripts ${(scripts / refreshes).toFixed(2)} × ` +
      `${((after.scriptTime - server.scriptTime) / Math.max(scripts, 1)).toFixed(1)} µs ` +
      `(${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)})`,
  ];
}
