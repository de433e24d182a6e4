/**
 * Four OS processes, each with its own Redis connection, refresh one token 50 times at once;
 * and a process killed at random points of a tight rotation loop. Redis runs each rotation as
 * one script: exactly one successor, in both grace modes, and the chain stays whole.
 */
import { join } from "node:path";
import { TokenManager } from "tokenwise";
import { afterAll, describe, expect, it } from "vitest";
import { chainProblems } from "./chains.js";
import { openOrSkip } from "./databases.js";
import { startWorker } from "./processes.js";
import { openRedis, readChainLinks, REDIS_LIBRARIES, type TestRedis } from "./redis.js";

const PROCESSES = 4;
const REFRESHES_PER_PROCESS = 50;
const WORKER = join(import.meta.dirname, "redis-worker.ts");
const SECRET = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");

/** A manager over a fresh key prefix, and the environment a worker needs to open the same. */
function setUp(redis: TestRedis, grace: number) {
  const { store, keyPrefix } = redis.openStore();
  const secret = Buffer.from(SECRET, "base64url");
  const tokens = new TokenManager({ issuer: "https://multi-process.test", audience: "api", signingKeys: [{ alg: "HS256", secret }], store, reuseGraceSeconds: grace });
  const env = { LIBRARY: redis.library, KEY_PREFIX: keyPrefix, SECRET, GRACE: String(grace) };
  return { tokens, store, keyPrefix, env };
}

/** Starts the workers, releases them at once, and gathers every outcome. */
async function race(env: Record<string, string>, token: string): Promise<{ token?: string; code?: string }[]> {
  const workers = Array.from({ length: PROCESSES }, () => startWorker({ ...env, MODE: "race", TOKEN: token, REFRESHES: String(REFRESHES_PER_PROCESS) }, WORKER));
  for (const worker of workers) expect(await worker.nextLine()).toBe("ready");
  for (const worker of workers) worker.process.stdin.write("go\n");
  const reports = await Promise.all(workers.map((worker) => worker.nextLine()));
  return reports.flatMap((report) => JSON.parse(report) as { token?: string; code?: string }[]);
}

for (const library of REDIS_LIBRARIES) {
  const opened = await openOrSkip(() => openRedis(library));
  describe.skipIf(!opened)(`Redis (${library}): ${PROCESSES} processes × ${REFRESHES_PER_PROCESS} concurrent refreshes of one token`, () => {
    const redis = opened as TestRedis;
    afterAll(() => redis.close());

    it("with the grace window, every caller gets the same successor and exactly one successor is stored", async () => {
      const { tokens, keyPrefix, env } = setUp(redis, 10);
      const pair = await tokens.issue({ subject: "racer" });
      const outcomes = await race(env, pair.refreshToken);
      expect(outcomes).toHaveLength(PROCESSES * REFRESHES_PER_PROCESS);
      expect(outcomes.filter((outcome) => outcome.code)).toEqual([]);
      expect(new Set(outcomes.map((outcome) => outcome.token)).size).toBe(1);
      const links = await readChainLinks(redis.control, keyPrefix);
      expect(links).toHaveLength(2);
      expect(chainProblems(links)).toEqual([]);
      await expect(tokens.refresh(outcomes[0]?.token)).resolves.toMatchObject({ sessionId: pair.sessionId });
    });

    it("with a zero window, exactly one succeeds, the others get refresh_token_reused, and the session ends revoked", async () => {
      const { tokens, store, keyPrefix, env } = setUp(redis, 0);
      const pair = await tokens.issue({ subject: "racer" });
      const outcomes = await race(env, pair.refreshToken);
      expect(outcomes.filter((outcome) => outcome.token)).toHaveLength(1);
      expect([...new Set(outcomes.filter((outcome) => outcome.code).map((outcome) => outcome.code))]).toEqual(["refresh_token_reused"]);
      expect((await store.findSession(pair.sessionId))?.revokedAt).toBeInstanceOf(Date);
      expect(await readChainLinks(redis.control, keyPrefix)).toHaveLength(2);
    });

    it("a process killed mid-rotation leaves the chain whole: before or after each rotation, never half-way", async () => {
      const { tokens, store, keyPrefix, env } = setUp(redis, 10);
      const pair = await tokens.issue({ subject: "crash" });
      let token = pair.refreshToken;
      for (let round = 0; round < 3; round++) {
        const worker = startWorker({ ...env, MODE: "chain", TOKEN: token }, WORKER);
        while (worker.lines.length < 15 + round * 7) await worker.nextLine();
        worker.process.kill("SIGKILL");
        await worker.exited;
        token = (JSON.parse(worker.lines.at(-1) as string) as { token: string }).token;
      }
      const links = await readChainLinks(redis.control, keyPrefix);
      expect(chainProblems(links, new Set([pair.sessionId]))).toEqual([]);
      expect(links.filter((link) => link.spentAt === null)).toHaveLength(1);
      expect((await store.findSession(pair.sessionId))?.revokedAt).toBeNull();
      await expect(tokens.refresh(token)).resolves.toMatchObject({ sessionId: pair.sessionId });
    });
  });
}
