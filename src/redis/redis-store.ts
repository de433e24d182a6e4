/**
 * `RedisRefreshTokenStore`: the {@link RefreshTokenStore} for Redis (and Valkey), one Lua
 * script per operation.
 *
 * @module
 */
import { parseDuration, type Duration } from "../duration.js";
import { StoreError } from "../errors.js";
import { runStoreCall } from "../lib/_store-call.js";
import type {
  CreateSessionOptions,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RefreshTokenStore,
  SessionBinding,
  SessionRecord,
  SpendTokenRequest,
} from "../store.js";
import type { RedisClient } from "./client.js";
import { redisKeys, type RedisKeys } from "./keys.js";
import { listOf, sessionFields, sessionFromReply, textOf, tokenFields, tokenFromReply } from "./records.js";
import { runScript } from "./_script-runner.js";
import type { ScriptName } from "./scripts.js";

/** How many sessions, revoked sessions and tokens one purge script deletes at most; `purgeExpired` loops. */
const PURGE_BATCH = 500;

/** Options of {@link RedisRefreshTokenStore}. */
export interface RedisRefreshTokenStoreOptions {
  /** The server, through a wrapper such as `wrapIoredis(redis)` or `wrapNodeRedis(client)`. */
  client: RedisClient;
  /**
   * The hash tag every key starts with, `{keyPrefix}:…`: 1 to 64 letters, digits or `: . _ -`.
   * All keys of one prefix live in one Redis Cluster slot; give each service or tenant its own
   * prefix to spread them. @default "tokenwise"
   */
  keyPrefix?: string;
  /**
   * How long a record's keys outlive its `expiresAt`, so that Redis deletes them even if
   * `purgeExpired` never runs, yet never while the manager may still read them. Each write sets
   * a key's time to live to `expiresAt − now + ttlMargin` (never less than `ttlMargin`), with
   * `now` the manager's clock: the rule depends on how much lifetime is left, not on whether the
   * manager's clock agrees with Redis's. @default "1h"
   */
  ttlMargin?: Duration;
}

/**
 * Keeps sessions and refresh-token hashes in Redis. It depends on no client library and talks
 * to a {@link RedisClient}: two commands, `EVALSHA` and `EVAL`.
 *
 * Every operation is one Lua script, so each write is one atomic step on the server: rotation
 * checks the token (unspent, unexpired), its session (not revoked, not ended) and the
 * successor's hash (not taken), then spends, inserts and touches, with no other command in
 * between. Times come from the manager's clock as arguments; Redis's clock only runs the keys'
 * time to live. Keys layout and Cluster notes: {@link redisKeys}.
 *
 * @example
 * ```ts
 * import Redis from "ioredis";
 * import { TokenManager } from "tokenwise";
 * import { RedisRefreshTokenStore, wrapIoredis } from "tokenwise/redis";
 *
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const store = new RedisRefreshTokenStore({ client: wrapIoredis(redis) });
 * const tokens = new TokenManager({ issuer, audience, signingKeys, store });
 * ```
 */
export class RedisRefreshTokenStore implements RefreshTokenStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #marginMs: number;

  /**
   * @param options - the client, and optionally the key prefix and the TTL margin
   * @throws {InvalidConfigError} `invalid_config` for a malformed `keyPrefix` or `ttlMargin`
   */
  constructor(options: RedisRefreshTokenStoreOptions) {
    this.#client = options.client;
    this.#keys = redisKeys(options.keyPrefix ?? "tokenwise");
    this.#marginMs = parseDuration(options.ttlMargin ?? "1h", "ttlMargin") * 1000;
  }

  /** See {@link RefreshTokenStore.createSession}: the contract this method implements. */
  async createSession(session: SessionRecord, token: RefreshTokenRecord, options: CreateSessionOptions = {}): Promise<string[]> {
    const sessionItems = sessionFields(session);
    const now = session.createdAt;
    const args = [
      session.id,
      token.hash,
      options.maxActiveSessions === undefined ? "" : String(options.maxActiveSessions),
      this.#ttl(session.expiresAt, now),
      this.#ttl(token.expiresAt, now),
      String(sessionItems.length),
      ...sessionItems,
      ...tokenFields(token),
    ];
    return this.#run("createSession", this.#keys.session(session.id), args, (reply) => {
      const [outcome, ...rest] = listOf(reply).map(textOf);
      if (outcome !== "created") throw new StoreError(`RedisRefreshTokenStore.createSession() failed: the ${rest[0] ?? "record"} already exists`);
      return rest;
    });
  }

  /** See {@link RefreshTokenStore.findToken}: the contract this method implements. */
  async findToken(hash: string): Promise<RefreshTokenLookup | null> {
    return this.#run("findToken", this.#keys.token(hash), [hash], (reply) => {
      if (reply === null || reply === undefined) return null;
      const [token, session] = listOf(reply);
      return { token: tokenFromReply(hash, token), session: sessionFromReply(session) };
    });
  }

  /** See {@link RefreshTokenStore.spendToken}: the contract this method implements. */
  async spendToken(request: SpendTokenRequest): Promise<boolean> {
    const { successor, at } = request;
    const args = [request.hash, String(at.getTime()), successor.hash, request.sealedSuccessor, this.#ttl(successor.expiresAt, at), ...tokenFields(successor)];
    return this.#run("spendToken", this.#keys.token(request.hash), args, (reply) => Number(reply) === 1);
  }

  /** See {@link RefreshTokenStore.touchSession}: the contract this method implements. */
  async touchSession(sessionId: string, at: Date): Promise<void> {
    await this.#run("touchSession", this.#keys.session(sessionId), [sessionId, String(at.getTime())], () => undefined);
  }

  /** See {@link RefreshTokenStore.findSession}: the contract this method implements. */
  async findSession(sessionId: string): Promise<SessionRecord | null> {
    return this.#run("findSession", this.#keys.session(sessionId), [sessionId], (reply) =>
      reply === null || reply === undefined ? null : sessionFromReply(reply),
    );
  }

  /** See {@link RefreshTokenStore.revokeSession}: the contract this method implements. */
  async revokeSession(sessionId: string, at: Date): Promise<boolean> {
    return this.#run("revokeSession", this.#keys.session(sessionId), [sessionId, String(at.getTime())], (reply) => Number(reply) === 1);
  }

  /** See {@link RefreshTokenStore.revokeSubject}: the contract this method implements. */
  async revokeSubject(subject: string, at: Date, binding?: SessionBinding): Promise<number> {
    const nullable = (value: string | null | undefined): string => (value === null || value === undefined ? "" : `=${value}`);
    const args = [subject, String(at.getTime()), binding ? "1" : "", nullable(binding?.issuer), nullable(binding?.audience)];
    return this.#run("revokeSubject", this.#keys.subject(subject), args, Number);
  }

  /** See {@link RefreshTokenStore.listSessions}: the contract this method implements. */
  async listSessions(subject: string, at: Date): Promise<SessionRecord[]> {
    return this.#run("listSessions", this.#keys.subject(subject), [subject, String(at.getTime())], (reply) => listOf(reply).map(sessionFromReply));
  }

  /**
   * See {@link RefreshTokenStore.purgeExpired}: the contract this method implements. Deletes in
   * batches of a few hundred records, each batch one script, so that a large purge never blocks
   * Redis for long; a purge that fails half-way has deleted only what could no longer be used.
   */
  async purgeExpired(at: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const [count, more] = await this.#run("purgeExpired", this.#keys.sessionsByExpiry, [String(at.getTime()), String(PURGE_BATCH)], (reply) => listOf(reply).map(Number));
      deleted += count ?? 0;
      if (more !== 1) return deleted;
    }
  }

  /** A key's time to live, in milliseconds: what is left of the record's life by the manager's clock, plus the margin. */
  #ttl(expiresAt: Date, now: Date): string {
    return String(Math.max(0, expiresAt.getTime() - now.getTime()) + this.#marginMs);
  }

  /**
   * Runs a script and reads its reply, reporting any failure — the client's, or a reply of the
   * wrong shape — as `store_error`. `ARGV[1]` is the key prefix, from which the script names
   * every key it touches; `routingKey` (one of them) is declared only to route the call on
   * Redis Cluster, where every key of the prefix shares its slot.
   */
  #run<T>(name: ScriptName, routingKey: string, args: string[], read: (reply: unknown) => T): Promise<T> {
    return runStoreCall(`RedisRefreshTokenStore.${name}`, async () => read(await runScript(this.#client, name, [routingKey], [this.#keys.prefix, ...args])));
  }
}
