/**
 * What the Redis store promises beyond the store contract, on the real server and through both
 * client libraries: its key layout (one hash tag), the TTL rule, indexes that stay bounded,
 * script reloading, lost replies, and failing fast when Redis is down.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import Redis from "ioredis";
import { createClient } from "redis";
import { hashRefreshToken, TokenManager, type RefreshTokenRecord, type SessionRecord } from "tokenwise";
import { RedisRefreshTokenStore, redisKeys, wrapIoredis, wrapNodeRedis, type RedisClient } from "tokenwise/redis";
import { afterAll, describe, expect, it } from "vitest";
import { openOrSkip } from "./databases.js";
import { deleteKeys, openRedis, REDIS_LIBRARIES, type RedisLibrary, type TestRedis } from "./redis.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How far a PTTL may fall short of the TTL the store set: the time the test took since. */
const SLACK = 5_000;

function makeSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const createdAt = overrides.createdAt ?? new Date();
  return {
    id: `s-${randomBytes(9).toString("base64url")}`,
    subject: `u-${randomBytes(6).toString("hex")}`,
    claims: { role: "staff" },
    metadata: {},
    createdAt,
    lastUsedAt: createdAt,
    expiresAt: new Date(createdAt.getTime() + DAY),
    revokedAt: null,
    issuer: "https://redis.test",
    audience: "api",
    ...overrides,
  };
}

function makeToken(session: SessionRecord, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  const issuedAt = overrides.issuedAt ?? session.createdAt;
  return {
    hash: randomBytes(32).toString("hex"),
    sessionId: session.id,
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + HOUR),
    spentAt: null,
    successorHash: null,
    sealedSuccessor: null,
    ...overrides,
  };
}

/** Spends `token` at `at` with a fresh successor expiring an hour later. */
async function spend(store: RedisRefreshTokenStore, session: SessionRecord, token: RefreshTokenRecord, at: Date) {
  const successor = makeToken(session, { issuedAt: at });
  const spent = await store.spendToken({ hash: token.hash, at, successor, sealedSuccessor: "A".repeat(43) });
  return { spent, successor };
}

/** A client that can lose the reply of its next call after the server ran it, and counts EVALs. */
function unreliable(client: RedisClient) {
  const state = { loseNextReply: false, evals: 0 };
  const lose = async (reply: Promise<unknown>): Promise<unknown> => {
    const value = await reply;
    if (!state.loseNextReply) return value;
    state.loseNextReply = false;
    throw new Error("Connection is closed.");
  };
  const wrapped: RedisClient = {
    evalsha: (sha, keys, args) => lose(client.evalsha(sha, keys, args)),
    eval: (script, keys, args) => (state.evals++, lose(client.eval(script, keys, args))),
  };
  return { client: wrapped, state };
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A client of `library` pointed at a port nothing listens on, with the fail-fast settings. */
function unreachableClient(library: RedisLibrary, port: number): { client: RedisClient; close(): void } {
  if (library === "ioredis") {
    const redis = new Redis({ host: "127.0.0.1", port, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on("error", () => undefined);
    return { client: wrapIoredis(redis), close: () => redis.disconnect() };
  }
  const redis = createClient({ socket: { host: "127.0.0.1", port }, disableOfflineQueue: true });
  redis.on("error", () => undefined);
  redis.connect().catch(() => undefined);
  return { client: wrapNodeRedis(redis), close: () => void redis.destroy() };
}

for (const library of REDIS_LIBRARIES) {
  const opened = await openOrSkip(() => openRedis(library));
  describe.skipIf(!opened)(`RedisRefreshTokenStore through ${library}`, () => {
    const redis = opened as TestRedis;
    const { control } = redis;
    afterAll(() => redis.close());

    describe("key layout", () => {
      it("puts every key under the {keyPrefix} hash tag, so a Cluster keeps them all in one slot", async () => {
        const { store, keyPrefix } = redis.openStore();
        const first = makeSession();
        const firstToken = makeToken(first);
        await store.createSession(first, firstToken);
        const second = makeSession({ subject: first.subject, createdAt: new Date(first.createdAt.getTime() + 1) });
        expect(await store.createSession(second, makeToken(second), { maxActiveSessions: 1 })).toEqual([first.id]);
        await spend(store, first, firstToken, new Date());
        const keys: string[] = [];
        for await (const batch of control.scanStream({ match: `*${keyPrefix}*` }) as AsyncIterable<string[]>) keys.push(...batch);
        expect(keys.length).toBeGreaterThanOrEqual(10);
        for (const key of keys) expect(key.startsWith(`{${keyPrefix}}:`), key).toBe(true);
      });

      it("refuses a keyPrefix that would change the hash tag, and a malformed ttlMargin, with invalid_config", () => {
        for (const keyPrefix of ["", "a}b", "{a}", "with space", "x".repeat(65)]) {
          expect(() => new RedisRefreshTokenStore({ client: redis.client, keyPrefix }), keyPrefix).toThrow(expect.objectContaining({ code: "invalid_config", option: "keyPrefix" }));
        }
        expect(() => new RedisRefreshTokenStore({ client: redis.client, ttlMargin: -1 })).toThrow(expect.objectContaining({ code: "invalid_config", option: "ttlMargin" }));
      });

      it("refuses an ioredis client with a keyPrefix of its own, which would rename only the routing keys", () => {
        const prefixed = new Redis({ lazyConnect: true, keyPrefix: "app:" });
        expect(() => wrapIoredis(prefixed)).toThrow(expect.objectContaining({ code: "invalid_config", option: "keyPrefix" }));
        prefixed.disconnect();
      });
    });

    describe("time to live", () => {
      it("gives each key what is left of its record's life by the manager's clock, plus ttlMargin", async () => {
        const { store, keyPrefix } = redis.openStore({ ttlMargin: "10m" });
        const keys = redisKeys(keyPrefix);
        const session = makeSession();
        const token = makeToken(session);
        await store.createSession(session, token);
        const near = (actual: number, expected: number) => {
          expect(actual).toBeGreaterThan(expected - SLACK);
          expect(actual).toBeLessThanOrEqual(expected);
        };
        near(await control.pttl(keys.session(session.id)), DAY + 10 * MINUTE);
        near(await control.pttl(keys.token(token.hash)), HOUR + 10 * MINUTE);
        for (const index of [keys.subject(session.subject), keys.sessionTokens(session.id), keys.sessionsByExpiry]) {
          near(await control.pttl(index), DAY + 10 * MINUTE);
        }
        const { successor } = await spend(store, session, token, new Date(session.createdAt.getTime() + 5 * MINUTE));
        near(await control.pttl(keys.token(successor.hash)), HOUR + 10 * MINUTE);
        near(await control.pttl(keys.token(token.hash)), HOUR + 10 * MINUTE);
      });

      it("keeps records dated years in the past or the future as long as their own lifetime: Redis's clock decides nothing", async () => {
        const { store, keyPrefix } = redis.openStore({ ttlMargin: "10m" });
        for (const createdAt of [new Date(Date.UTC(2001, 0, 1)), new Date(Date.UTC(2100, 0, 1))]) {
          const session = makeSession({ createdAt });
          const token = makeToken(session);
          await store.createSession(session, token);
          expect(await control.pttl(redisKeys(keyPrefix).session(session.id))).toBeGreaterThan(DAY + 10 * MINUTE - SLACK);
          const { spent, successor } = await spend(store, session, token, new Date(createdAt.getTime() + MINUTE));
          expect(spent).toBe(true);
          expect((await store.findToken(successor.hash))?.session.lastUsedAt).toEqual(new Date(createdAt.getTime() + MINUTE));
        }
      });

      it("gives a record already past its end when written ttlMargin, never less", async () => {
        const { store, keyPrefix } = redis.openStore({ ttlMargin: "10m" });
        const session = makeSession({ expiresAt: new Date(Date.now() - MINUTE) });
        await store.createSession(session, makeToken(session, { expiresAt: new Date(Date.now() - HOUR) }));
        expect(await control.pttl(redisKeys(keyPrefix).session(session.id))).toBeGreaterThan(10 * MINUTE - SLACK);
        expect(await store.findSession(session.id)).toEqual(session);
      });
    });

    describe("bounded indexes, even if purgeExpired never runs", () => {
      it("drops a subject's session whose key expired the next time the subject's sessions are read", async () => {
        const { store, keyPrefix } = redis.openStore();
        const keys = redisKeys(keyPrefix);
        const kept = makeSession();
        const expired = makeSession({ subject: kept.subject });
        await store.createSession(kept, makeToken(kept));
        await store.createSession(expired, makeToken(expired));
        await control.del(keys.session(expired.id)); // what its TTL does
        expect((await store.listSessions(kept.subject, new Date())).map((session) => session.id)).toEqual([kept.id]);
        expect(await control.zrange(keys.subject(kept.subject), 0, -1)).toEqual([kept.id]);
      });

      it("trims index entries of records their TTL dropped on later writes", async () => {
        const { store, keyPrefix } = redis.openStore();
        const keys = redisKeys(keyPrefix);
        const now = Date.now();
        const gone = Array.from({ length: 5 }, (_, index) => makeSession({ expiresAt: new Date(now + index * MINUTE + MINUTE) }));
        for (const session of gone) await store.createSession(session, makeToken(session, { expiresAt: session.expiresAt }));
        for (const session of gone) await control.del(keys.session(session.id), keys.token((await control.zrange(keys.sessionTokens(session.id), 0, 0))[0] as string));
        const live = makeSession();
        let token = makeToken(live);
        await store.createSession(live, token);
        expect(await control.zrange(keys.sessionsByExpiry, 0, -1)).toEqual([live.id]);
        expect(await control.zrange(keys.tokensByExpiry, 0, -1)).toEqual([token.hash]);

        const chain = [token];
        for (let step = 1; step <= 3; step++) {
          token = (await spend(store, live, token, new Date(now + step * MINUTE))).successor;
          chain.push(token);
        }
        await control.del(keys.token(chain[0]?.hash as string), keys.token(chain[1]?.hash as string));
        token = (await spend(store, live, token, new Date(now + 4 * MINUTE))).successor;
        expect(await control.zcard(keys.sessionTokens(live.id))).toBe(3);
      });

      it("purges through more records than one batch, leaving no key behind", async () => {
        const { store, keyPrefix } = redis.openStore();
        const createdAt = new Date();
        const sessions = Array.from({ length: 1_201 }, () => makeSession({ createdAt }));
        await Promise.all(sessions.map((session) => store.createSession(session, makeToken(session))));
        await store.revokeSession(sessions[0]?.id as string, createdAt);
        expect(await store.purgeExpired(new Date(createdAt.getTime() + 2 * DAY))).toBe(2 * sessions.length);
        expect(await deleteKeys(control, `{${keyPrefix}}:*`)).toBe(0);
      });
    });

    describe("scripts", () => {
      it("sends a script's source again after SCRIPT FLUSH, then calls it by SHA", async () => {
        const { client, state } = unreliable(redis.client);
        const store = new RedisRefreshTokenStore({ client, keyPrefix: redis.openStore().keyPrefix });
        const session = makeSession();
        await store.createSession(session, makeToken(session));
        await control.script("FLUSH");
        expect(await store.findSession(session.id)).toEqual(session);
        const evals = state.evals;
        expect(evals).toBeGreaterThanOrEqual(1);
        expect(await store.findSession(session.id)).toEqual(session);
        expect(state.evals).toBe(evals);
      });
    });

    describe("lost replies", () => {
      it("a spend whose reply was lost: the identical retry answers true, and nothing changes", async () => {
        const { client, state } = unreliable(redis.client);
        const store = new RedisRefreshTokenStore({ client, keyPrefix: redis.openStore().keyPrefix });
        const session = makeSession();
        const token = makeToken(session);
        await store.createSession(session, token);
        const at = new Date(session.createdAt.getTime() + MINUTE);
        const request = { hash: token.hash, at, successor: makeToken(session, { issuedAt: at }), sealedSuccessor: "B".repeat(43) };
        state.loseNextReply = true;
        await expect(store.spendToken(request)).rejects.toMatchObject({ code: "store_error", cause: { message: "Connection is closed." } });
        const committed = await store.findToken(token.hash);
        expect(committed?.token).toMatchObject({ spentAt: at, successorHash: request.successor.hash });
        expect(await store.spendToken(request)).toBe(true);
        expect(await store.findToken(token.hash)).toEqual(committed);
        expect((await spend(store, session, token, at)).spent).toBe(false);
      });

      it("a refresh whose reply was lost fails with store_error, and its retry within the grace window gets the stored successor", async () => {
        const { client, state } = unreliable(redis.client);
        const store = new RedisRefreshTokenStore({ client, keyPrefix: redis.openStore().keyPrefix });
        const tokens = new TokenManager({ issuer: "https://redis.test", audience: "api", signingKeys: [{ alg: "HS256", secret: randomBytes(32) }], store, reuseGraceSeconds: 10 });
        const pair = await tokens.issue({ subject: "lost-reply" });
        const original = store.spendToken.bind(store);
        store.spendToken = (request) => ((state.loseNextReply = true), original(request));
        await expect(tokens.refresh(pair.refreshToken)).rejects.toMatchObject({ code: "store_error" });
        store.spendToken = original;
        const retried = await tokens.refresh(pair.refreshToken);
        expect(hashRefreshToken(retried.refreshToken)).toBe((await store.findToken(hashRefreshToken(pair.refreshToken)))?.token.successorHash);
        await expect(tokens.refresh(retried.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
      });
    });

    describe("failing fast", () => {
      it("with Redis unreachable, every call fails with store_error within milliseconds", async () => {
        const unreachable = unreachableClient(library, await closedPort());
        try {
          await new Promise((resolve) => setTimeout(resolve, 50)); // let the first connection attempt fail
          const store = new RedisRefreshTokenStore({ client: unreachable.client });
          const tokens = new TokenManager({ issuer: "https://redis.test", audience: "api", signingKeys: [{ alg: "HS256", secret: randomBytes(32) }], store });
          const started = performance.now();
          await expect(store.findToken("0".repeat(64))).rejects.toMatchObject({ code: "store_error" });
          await expect(tokens.issue({ subject: "offline" })).rejects.toMatchObject({ code: "store_error" });
          expect(performance.now() - started).toBeLessThan(250);
        } finally {
          unreachable.close();
        }
      });
    });
  });
}
