/**
 * Where verification finds the key a token names. Static keys, a JWK Set and a JWKS URL are all
 * key sources: the verification engine asks one for "the key of this `kid` and `alg`" and never
 * branches on what kind it is. Internal.
 */
import { isTokenwiseError } from "../errors.js";
import type { WebCryptoKey } from "../signing-keys.js";
import type { JwtFailure } from "./_jwt.js";

/** A public key (or HMAC secret) ready to verify signatures of one algorithm. */
export interface VerificationKey {
  /** The one algorithm this key verifies; taken from configuration or the JWK, never from a token. */
  alg: string;
  kid: string;
  verifyKey: WebCryptoKey;
}

/** Finds verification keys by `kid` and `alg`. */
export interface KeySource {
  /** Every algorithm the source may hold a key for: verification accepts no other (RFC 8725 §3.1). */
  readonly algorithms: readonly string[];
  /**
   * The version of the key set now in use: it changes whenever the set does, so that whatever was
   * verified under an older set (the verified-token cache) is dropped. `null` while the source
   * cannot vouch for its set without asking again (a fetched set past its freshness): nothing
   * verified then is reused.
   */
  readonly epoch: number | null;
  /**
   * The key a token header names.
   *
   * @throws {UnknownKeyError} when no key has this `kid` for this `alg`
   * @throws {KeySetUnavailableError} `key_set_unavailable` when the keys cannot be had at all
   */
  keyFor(kid: string, alg: string): WebCryptoKey | Promise<WebCryptoKey>;
}

/** No key of the source has the `kid` and `alg` a token names. */
export class UnknownKeyError extends Error {}

/**
 * A key source over a fixed list of keys: the manager's own, a configured list, or one snapshot
 * of a fetched JWK Set.
 *
 * @param keys - the keys; each `kid` at most once per algorithm
 * @param algorithms - the algorithms to accept; defaults to those of `keys`
 */
export function staticKeySource(keys: readonly VerificationKey[], algorithms?: readonly string[]): KeySource {
  const byAlgorithm = new Map<string, Map<string, WebCryptoKey>>();
  for (const key of keys) {
    const byKid = byAlgorithm.get(key.alg) ?? new Map<string, WebCryptoKey>();
    byKid.set(key.kid, key.verifyKey);
    byAlgorithm.set(key.alg, byKid);
  }
  return {
    algorithms: algorithms ?? [...byAlgorithm.keys()],
    // A fixed list never changes.
    epoch: 0,
    keyFor(kid, alg) {
      const key = byAlgorithm.get(alg)?.get(kid);
      if (!key) throw unknownKey(kid, alg);
      return key;
    },
  };
}

/** The error for a `kid`/`alg` pair that names no key. */
export function unknownKey(kid: string, alg: string): UnknownKeyError {
  return new UnknownKeyError(`no key has kid ${JSON.stringify(kid)} and alg ${JSON.stringify(alg)}`);
}

/**
 * The key a token header names: `kid` is required, and only a key of the header's `alg` (already
 * checked against the source's algorithms) is looked up. Every backend selects keys through this.
 *
 * @throws {UnknownKeyError} when the header names no key, or one the source lacks
 */
export function keyForHeader(keys: KeySource, kid: unknown, alg: string): WebCryptoKey | Promise<WebCryptoKey> {
  if (typeof kid !== "string") throw new UnknownKeyError(`the token names no key (kid ${JSON.stringify(kid)})`);
  return keys.keyFor(kid, alg);
}

/**
 * What a failed key selection means for the token: an unknown key names `kid`; a key source that
 * cannot reach its keys is the server's fault, reported as is (503); anything else is a malformed
 * token.
 */
export function keyFailure(error: unknown): JwtFailure {
  if (error instanceof UnknownKeyError) return { reason: "invalid", message: error.message, claim: "kid", cause: error };
  if (isTokenwiseError(error) && error.code === "key_set_unavailable") return { reason: "unavailable", error };
  return { reason: "invalid", message: MALFORMED, cause: error };
}

/** The message of every failure no more precise check explains. */
export const MALFORMED = "malformed token";
