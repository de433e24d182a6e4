/**
 * What each key tokenwise imports was made from — the public JWK, or the HMAC secret as an `oct`
 * JWK — kept beside its `CryptoKey`, so that a backend that does not use Web Crypto can make its
 * own key from it: a non-extractable `CryptoKey` cannot be exported, and Node deprecates turning
 * one into a `KeyObject` (DEP0204). Only key imports write here. Internal.
 */
import type { Jwk, WebCryptoKey } from "../signing-keys.js";

const materials = new WeakMap<WebCryptoKey, Jwk>();

/**
 * Records the JWK `key` was imported from.
 *
 * @returns `key`, for use in an expression
 */
export function withMaterial<Key extends WebCryptoKey>(key: Key, jwk: Jwk): Key {
  materials.set(key, jwk);
  return key;
}

/** The JWK `key` was imported from, if tokenwise imported it. */
export function materialOf(key: WebCryptoKey): Jwk | undefined {
  return materials.get(key);
}
