/** Which algorithms tokenwise signs with, and what each requires of its key. Internal. */
import type { AsymmetricAlgorithm, HmacAlgorithm, WebCryptoKey } from "../signing-keys.js";

/** Minimum HMAC secret sizes: the hash length (RFC 7518 §3.2). */
export const HMAC_MIN_BYTES: Readonly<Record<HmacAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };
/** The key type and curve each asymmetric algorithm needs. */
export const EXPECTED_KEY_TYPE: Readonly<Record<AsymmetricAlgorithm, { kty: string; crv?: string }>> = {
  ES256: { kty: "EC", crv: "P-256" },
  ES384: { kty: "EC", crv: "P-384" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
  RS256: { kty: "RSA" },
  PS256: { kty: "RSA" },
};
/** Smallest RSA modulus accepted. */
export const RSA_MIN_BITS = 2048;
/** Every supported algorithm, for error messages. */
export const ALGORITHMS: readonly string[] = [...Object.keys(HMAC_MIN_BYTES), ...Object.keys(EXPECTED_KEY_TYPE)];

export function isHmacAlgorithm(alg: unknown): alg is HmacAlgorithm {
  return typeof alg === "string" && Object.hasOwn(HMAC_MIN_BYTES, alg);
}

export function isAsymmetricAlgorithm(alg: unknown): alg is AsymmetricAlgorithm {
  return typeof alg === "string" && Object.hasOwn(EXPECTED_KEY_TYPE, alg);
}

export function isCryptoKey(value: unknown): value is WebCryptoKey {
  return typeof CryptoKey !== "undefined" && value instanceof CryptoKey;
}
