/**
 * Where `RedisRefreshTokenStore` keeps what: the key layout, all under one hash tag.
 *
 * @module
 */
import { InvalidConfigError } from "../errors.js";

const PREFIX_PATTERN = /^[A-Za-z0-9:._-]{1,64}$/;

/**
 * The keys of one store, for one `keyPrefix` `p`. Every key starts with the hash tag `{p}`, so
 * on Redis Cluster they all hash to **one slot**: each script reads and writes a session, its
 * tokens and the indexes together, and a script may only touch keys of one slot.
 *
 * | Key | Type | Holds | Expires |
 * | --- | --- | --- | --- |
 * | `{p}:session:<id>` | hash | the session's fields | at the session's end + margin |
 * | `{p}:token:<hash>` | hash | the token's fields (never the token itself) | at the token's end + margin |
 * | `{p}:session-tokens:<id>` | sorted set | the session's token hashes, scored by `expiresAt` | with its last member |
 * | `{p}:subject:<subject>` | sorted set | the subject's session ids, scored by `createdAt` | with its last member |
 * | `{p}:sessions-by-expiry` | sorted set | every session id, scored by `expiresAt` (for `purgeExpired`) | with its last member |
 * | `{p}:tokens-by-expiry` | sorted set | every token hash, scored by `expiresAt` (for `purgeExpired`) | with its last member |
 * | `{p}:revoked-sessions` | sorted set | revoked session ids, scored by `expiresAt` (for `purgeExpired`) | with its last member |
 */
export interface RedisKeys {
  /** `{p}:`, the start of every key; the scripts build the keys they derive from it. */
  readonly prefix: string;
  /** The session hash of `sessionId`. */
  session(sessionId: string): string;
  /** The token hash of `hash`. */
  token(hash: string): string;
  /** The sorted set of a session's token hashes. */
  sessionTokens(sessionId: string): string;
  /** The sorted set of a subject's session ids. */
  subject(subject: string): string;
  /** Every session id, scored by `expiresAt`. */
  readonly sessionsByExpiry: string;
  /** Every token hash, scored by `expiresAt`. */
  readonly tokensByExpiry: string;
  /** Revoked session ids, scored by `expiresAt`. */
  readonly revokedSessions: string;
}

/**
 * Builds the key layout of a prefix, checking it first: 1 to 64 characters among letters,
 * digits and `: . _ -` (no braces, which would change the hash tag).
 *
 * @param keyPrefix - the store's `keyPrefix`
 * @returns the key builders
 * @throws {InvalidConfigError} `invalid_config` naming `keyPrefix` when it is malformed
 *
 * @example
 * ```ts
 * import { redisKeys } from "tokenwise/redis";
 *
 * redisKeys("auth").session("s1"); // "{auth}:session:s1"
 * ```
 */
export function redisKeys(keyPrefix: string): RedisKeys {
  if (typeof keyPrefix !== "string" || !PREFIX_PATTERN.test(keyPrefix)) {
    throw new InvalidConfigError("keyPrefix", `must match ${PREFIX_PATTERN}; got ${JSON.stringify(keyPrefix)}`);
  }
  const prefix = `{${keyPrefix}}:`;
  return {
    prefix,
    session: (sessionId) => `${prefix}session:${sessionId}`,
    token: (hash) => `${prefix}token:${hash}`,
    sessionTokens: (sessionId) => `${prefix}session-tokens:${sessionId}`,
    subject: (subject) => `${prefix}subject:${subject}`,
    sessionsByExpiry: `${prefix}sessions-by-expiry`,
    tokensByExpiry: `${prefix}tokens-by-expiry`,
    revokedSessions: `${prefix}revoked-sessions`,
  };
}
