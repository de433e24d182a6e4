/**
 * Where verification finds the key a token names. Static keys, a JWK Set and a JWKS URL are all
 * key sources: the verification engine asks one for "the key of this `kid` and `alg`" and never
 * branches on what kind it is. Internal.
 */
import type { WebCryptoKey } from "../signing-keys.js";

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
