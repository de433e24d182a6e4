/**
 * The store calls of a refresh straight through ioredis: the Redis store's own `findToken` and
 * `spendToken` scripts (the same Lua, loaded once and run by SHA-1) with the same keys and
 * arguments, read with no more than a refresh needs. `bare-rotation.ts` does the rest of a
 * refresh around them; the Redis store's ratio to the whole is tokenwise's overhead.
 */
import type Redis from "ioredis";
import { redisKeys } from "tokenwise/redis";
import { SCRIPTS } from "../src/redis/scripts.js";
import type { BareStoreCalls } from "./bare-rotation.js";

/** The Redis store's default `ttlMargin`: how long a record outlives its expiry. */
const TTL_MARGIN_MS = 3600 * 1000;

/** Field/value items as HGETALL returns them, as an object. */
function fieldsOf(items: unknown[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < items.length; index += 2) fields[String(items[index])] = String(items[index + 1]);
  return fields;
}

/**
 * The store calls of a bare refresh over the keys of one prefix.
 *
 * @param redis - a plain ioredis connection
 * @param keyPrefix - the store's `keyPrefix`
 */
export async function bareRedisCalls(redis: Redis, keyPrefix: string): Promise<BareStoreCalls> {
  const keys = redisKeys(keyPrefix);
  const find = (await redis.script("LOAD", SCRIPTS.findToken)) as string;
  const spend = (await redis.script("LOAD", SCRIPTS.spendToken)) as string;
  return {
    async find(hash) {
      const reply = (await redis.evalsha(find, 1, keys.token(hash), keys.prefix, hash)) as [unknown[], unknown[]] | null;
      if (!reply) return undefined;
      const token = fieldsOf(reply[0]);
      const [id, ...items] = reply[1];
      const session = fieldsOf(items);
      return {
        sessionId: String(id),
        subject: session.subject as string,
        claims: JSON.parse(session.claims as string) as object,
        tokenExpiresAt: Number(token.expiresAt),
        spent: token.spentAt !== undefined,
        sessionExpiresAt: Number(session.expiresAt),
        revoked: session.revokedAt !== undefined,
      };
    },
    async spend(s) {
      const ttl = String(Math.max(0, s.expiresAt - s.at) + TTL_MARGIN_MS);
      const successor = ["sessionId", s.sessionId, "issuedAt", String(s.at), "expiresAt", String(s.expiresAt)];
      const args = [keys.prefix, s.hash, String(s.at), s.successorHash, s.sealed, ttl, ...successor];
      return Number(await redis.evalsha(spend, 1, keys.token(s.hash), ...args)) === 1;
    },
  };
}
