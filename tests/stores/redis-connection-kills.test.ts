/**
 * Connections killed under load, on the real Redis and through both client libraries: the
 * scenario of `kill-scenario.ts`, with a control connection running `CLIENT KILL` on the store's
 * connection (found by its name) and the keys read with plain commands behind the store's back.
 */
import type Redis from "ioredis";
import { TokenManager } from "tokenwise";
import { RedisRefreshTokenStore } from "tokenwise/redis";
import { afterAll, describe, expect, it } from "vitest";
import { openOrSkip } from "./databases.js";
import { CALLERS_PER_STEP, GRACE_SECONDS, runConnectionKills, SESSIONS, type KillTarget } from "./kill-scenario.js";
import { connectClient, openRedis, readChainLinks, REDIS_LIBRARIES, type TestRedis } from "./redis.js";

/** Kills every connection named `connectionName`; returns how many. */
async function killByName(control: Redis, connectionName: string): Promise<number> {
  const clients = String(await control.client("LIST")).split("\n");
  let killed = 0;
  for (const line of clients.filter((entry) => entry.includes(` name=${connectionName} `))) {
    const id = /\bid=(\d+)/.exec(line)?.[1];
    // The connection may close on its own between the listing and the kill.
    if (id) killed += Number(await control.client("KILL", "ID", id).catch(() => 0));
  }
  return killed;
}

/** Whether each session of the prefix is revoked, read from its hash. */
async function readRevoked(control: Redis, keyPrefix: string): Promise<Map<string, boolean>> {
  const revoked = new Map<string, boolean>();
  const sessionKeys = `{${keyPrefix}}:session:`;
  for await (const keys of control.scanStream({ match: `${sessionKeys}*`, count: 500 }) as AsyncIterable<string[]>) {
    for (const key of keys) revoked.set(key.slice(sessionKeys.length), (await control.hexists(key, "revokedAt")) === 1);
  }
  return revoked;
}

for (const library of REDIS_LIBRARIES) {
  const opened = await openOrSkip(() => openRedis(library));
  describe.skipIf(!opened)(`Redis (${library}): refresh chains while the store's connection is killed`, () => {
    const redis = opened as TestRedis;
    afterAll(() => redis.close());

    it(`${SESSIONS} sessions × ${CALLERS_PER_STEP} racing callers: chains stay linear, every last token stays refreshable, failures are store_error`, async () => {
      const { keyPrefix } = redis.openStore(); // a prefix of this run: its keys are deleted at close
      const connection = await connectClient(library);
      try {
        const store = new RedisRefreshTokenStore({ client: connection.client, keyPrefix });
        const secret = crypto.getRandomValues(new Uint8Array(32));
        const tokens = new TokenManager({ issuer: "https://kills.test", audience: "api", signingKeys: [{ alg: "HS256", secret }], store, reuseGraceSeconds: GRACE_SECONDS, storeTimeout: "3s" });
        const target: KillTarget = {
          killConnections: () => killByName(redis.control, connection.connectionName),
          readState: async () => ({ links: await readChainLinks(redis.control, keyPrefix), revoked: await readRevoked(redis.control, keyPrefix) }),
          reconnected: () => connection.ready(),
        };
        const tally = await runConnectionKills(redis.name, tokens, target);
        expect(tally.storeErrors, "the kills hit refreshes in flight").toBeGreaterThan(0);
        expect(tally.refreshes - tally.storeErrors, "refreshes succeeded between the kills").toBeGreaterThan(0);
      } finally {
        await connection.close();
      }
    });
  });
}
