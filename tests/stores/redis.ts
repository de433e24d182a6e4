/**
 * The real Redis for the Redis store tests: a client through either wrapper, key prefixes
 * unique to this run, a control connection to look behind the store's back, and clean-up
 * (SCAN + DEL of this run's keys). An unreachable server skips its tests with a message, unless
 * TOKENWISE_REQUIRE_SERVICES=1 (set by CI), where it fails them.
 */
import { once } from "node:events";
import Redis from "ioredis";
import { createClient } from "redis";
import { RedisRefreshTokenStore, wrapIoredis, wrapNodeRedis, type RedisClient, type RedisRefreshTokenStoreOptions } from "tokenwise/redis";
import type { ChainLink } from "./chains.js";

export const REDIS_HOST = "127.0.0.1";
export const REDIS_PORT = 6379;
export const REDIS_URL = `redis://${REDIS_HOST}:${REDIS_PORT}`;

/** The two client libraries the store ships wrappers for. */
export type RedisLibrary = "ioredis" | "node-redis";
export const REDIS_LIBRARIES: RedisLibrary[] = ["ioredis", "node-redis"];

/** Every key prefix of this run starts with it, so one SCAN finds them all. */
const RUN = `tw-${process.pid.toString(36)}-${Date.now().toString(36)}`;
let prefixCounter = 0;

/** A key prefix no other run, process or test uses. */
export function uniqueKeyPrefix(): string {
  return `${RUN}-${(prefixCounter++).toString(36)}`;
}

/** A client of one library, connected with the fail-fast settings the README recommends. */
export interface FailFastClient {
  client: RedisClient;
  /** The name the connection carries in CLIENT LIST, to find and kill it. */
  connectionName: string;
  /** Resolves once the client is connected (again). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Connects a client of `library`, with the fail-fast settings, and waits until it is ready. */
export async function connectClient(library: RedisLibrary, url = REDIS_URL): Promise<FailFastClient> {
  const connectionName = `tokenwise-test-${uniqueKeyPrefix()}`;
  if (library === "ioredis") {
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName, lazyConnect: true });
    redis.on("error", () => undefined); // reported through the commands that fail
    const ready = async () => void (redis.status === "ready" || (await once(redis, "ready")));
    await redis.connect();
    await ready();
    return { client: wrapIoredis(redis), connectionName, ready, close: async () => void redis.disconnect() };
  }
  const redis = createClient({ url, name: connectionName, disableOfflineQueue: true });
  redis.on("error", () => undefined);
  await redis.connect();
  const ready = async () => void (redis.isReady || (await once(redis, "ready")));
  return { client: wrapNodeRedis(redis), connectionName, ready, close: async () => void redis.destroy() };
}

/** A Redis the tests can open stores on, and how to clean up after them. */
export interface TestRedis {
  name: string;
  library: RedisLibrary;
  client: RedisClient;
  /** A separate connection for reading and steering the server behind the store's back. */
  control: Redis;
  /** A store over a fresh key prefix. */
  openStore(options?: Partial<RedisRefreshTokenStoreOptions>): { store: RedisRefreshTokenStore; keyPrefix: string };
  /** Deletes the keys of one prefix, as soon as its store is done with. */
  dropKeys(keyPrefix: string): Promise<number>;
  /** Deletes every key of this run and closes both connections. */
  close(): Promise<void>;
}

/** Deletes every key whose name matches `pattern`, SCANning (never KEYS) in batches. */
export async function deleteKeys(control: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  for await (const keys of control.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) deleted += await control.del(...keys);
  }
  return deleted;
}

/** Opens Redis through `library`, or returns why not. */
export async function openRedis(library: RedisLibrary): Promise<TestRedis | string> {
  const name = `Redis (${library})`;
  const control = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  control.on("error", () => undefined);
  let connected: FailFastClient;
  try {
    await control.connect();
    connected = await connectClient(library);
  } catch (error) {
    control.disconnect();
    return `${name} at ${REDIS_HOST}:${REDIS_PORT} unreachable (${(error as Error).message})`;
  }
  return {
    name,
    library,
    client: connected.client,
    control,
    openStore(options = {}) {
      const keyPrefix = uniqueKeyPrefix();
      return { keyPrefix, store: new RedisRefreshTokenStore({ client: connected.client, keyPrefix, ...options }) };
    },
    dropKeys: (keyPrefix) => deleteKeys(control, `{${keyPrefix}}:*`),
    async close() {
      await deleteKeys(control, `{${RUN}-*`);
      await connected.close();
      control.disconnect();
    },
  };
}

/** Every token stored under a key prefix, read with plain commands. */
export async function readChainLinks(control: Redis, keyPrefix: string): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  const tokenKeys = `{${keyPrefix}}:token:`;
  for await (const keys of control.scanStream({ match: `${tokenKeys}*`, count: 500 }) as AsyncIterable<string[]>) {
    for (const key of keys) {
      const fields = await control.hgetall(key);
      const time = (value: string | undefined): Date | null => (value === undefined ? null : new Date(Number(value)));
      links.push({
        hash: key.slice(tokenKeys.length),
        sessionId: fields.sessionId as string,
        issuedAt: time(fields.issuedAt) as Date,
        spentAt: time(fields.spentAt),
        successorHash: fields.successorHash ?? null,
        sealedSuccessor: fields.sealedSuccessor ?? null,
      });
    }
  }
  return links;
}
