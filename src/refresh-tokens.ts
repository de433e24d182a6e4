/**
 * Opaque refresh tokens: generation, hashing for storage, and sealing a successor so that only
 * the holder of its predecessor can read it back.
 *
 * @module
 */
import { cryptoBackend as backend } from "#crypto-backend";
import { constantTimeEqual, fromBase64Url, toBase64Url, utf8, xor } from "./lib/_bytes.js";
import type { RandomBytes } from "./random.js";

/** Entropy of an opaque refresh token: 256 bits (RFC 9700 §4.14 asks for high entropy). */
export const REFRESH_TOKEN_BYTES = 32;

/** An opaque token is exactly the base64url of {@link REFRESH_TOKEN_BYTES} bytes: 43 characters. */
const OPAQUE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The seal key's derivation: NIST SP 800-56C Rev. 2 §4.1 one-step key derivation with SHA-256,
 * `SHA-256(counter 1 ‖ Z ‖ FixedInfo)`, where Z is the predecessor (256 random bits, as text)
 * and FixedInfo this label. One hash of 74 bytes: under half the cost of an HMAC on Node.
 */
const SEAL_COUNTER = "\u0000\u0000\u0000\u0001";
const SEAL_LABEL = "tokenwise/successor-seal/v2";

/** tokenwise 0.1 sealed with HMAC-SHA256(key = predecessor, message = this label); such seals still open. */
const SEAL_LABEL_V1 = utf8("tokenwise/successor-seal/v1");

/** A freshly generated refresh token and the hash under which it is stored. */
export interface GeneratedRefreshToken {
  /** The token handed to the client, once. */
  token: string;
  /** Its SHA-256, the only form a store ever sees. */
  hash: string;
}

/**
 * Generates an opaque refresh token of 256 random bits.
 *
 * @param randomBytes - the randomness source
 * @returns the token and its storage hash
 *
 * @example
 * ```ts
 * import { generateRefreshToken, secureRandomBytes } from "tokenwise";
 *
 * const { token, hash } = generateRefreshToken(secureRandomBytes);
 * ```
 */
export function generateRefreshToken(randomBytes: RandomBytes): GeneratedRefreshToken {
  const token = toBase64Url(randomBytes(REFRESH_TOKEN_BYTES));
  return { token, hash: hashRefreshToken(token) };
}

/**
 * Hashes a refresh token for storage and lookup: SHA-256 of its UTF-8 bytes, lowercase hex.
 * A plain hash suffices because the token carries 256 bits of entropy: there is nothing to
 * brute-force, so no salt or slow KDF is needed. Hex (not base64) keeps lookups exact even in
 * databases whose default collation ignores case.
 *
 * @param token - the refresh token as the client presented it
 * @returns 64 lowercase hex characters
 *
 * @example
 * ```ts
 * import { hashRefreshToken } from "tokenwise";
 *
 * const hash = hashRefreshToken(token); // what the store keeps
 * ```
 */
export function hashRefreshToken(token: string): string {
  return backend.sha256Hex(token);
}

/**
 * Tells whether a value has the shape of an opaque refresh token, so that garbage is rejected
 * before it costs a hash or a database round trip.
 *
 * @param value - anything a client sent
 * @returns `true` for a 43-character base64url string
 */
export function isOpaqueRefreshToken(value: unknown): value is string {
  return typeof value === "string" && OPAQUE_TOKEN_PATTERN.test(value);
}

/**
 * Seals `successor` under a key derived from `predecessor` (see `SEAL_LABEL`): XOR with
 * SHA-256(0x00000001 ‖ predecessor ‖ "tokenwise/successor-seal/v2"). The seal is stored beside
 * the spent predecessor's hash; a database dump reveals neither token, and only a client holding
 * the predecessor can open it — which is exactly who the grace window serves.
 *
 * @param predecessor - the token being spent, as presented
 * @param successor - the opaque token issued in its place
 * @returns the seal, base64url
 */
export function sealSuccessor(predecessor: string, successor: string): string {
  const successorBytes = fromBase64Url(successor);
  if (successorBytes?.length !== REFRESH_TOKEN_BYTES) throw new TypeError("successor is not an opaque refresh token");
  return toBase64Url(xor(successorBytes, sealKey(predecessor)));
}

/**
 * Opens a seal of {@link sealSuccessor} (or of tokenwise 0.1's HMAC-keyed seal) with the
 * presented predecessor: the successor, only if its hash is `successorHash` (compared in
 * constant time). A wrong predecessor yields a wrong token, which that check turns into `null`.
 *
 * @param predecessor - the spent token, as presented again
 * @param sealed - the stored seal
 * @param successorHash - the stored hash of the successor
 * @returns the successor token, or `null` if the seal is malformed or was not made for this predecessor
 */
export function openSeal(predecessor: string, sealed: string, successorHash: string): string | null {
  const sealedBytes = fromBase64Url(sealed);
  if (sealedBytes?.length !== REFRESH_TOKEN_BYTES) return null;
  for (const key of [sealKey, legacySealKey]) {
    const successor = toBase64Url(xor(sealedBytes, key(predecessor)));
    if (constantTimeEqual(hashRefreshToken(successor), successorHash)) return successor;
  }
  return null;
}

function sealKey(predecessor: string): Uint8Array {
  return backend.sha256(SEAL_COUNTER + predecessor + SEAL_LABEL);
}

function legacySealKey(predecessor: string): Uint8Array {
  return backend.hmacSha256(predecessor, SEAL_LABEL_V1);
}
