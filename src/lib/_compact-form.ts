/**
 * The canonical JWS compact serialisation (RFC 7515 §7.1): the one spelling of a token that
 * tokenwise accepts. Checked before any parsing or cryptography, so that exactly one string
 * verifies for each token issued — anything keyed on the token string (caches, deny lists,
 * replay and rate limits) then sees one key per token. Internal.
 */

/** Three non-empty segments of the base64url alphabet, with no padding and no whitespace. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The base64url alphabet: a character's index is the six bits it encodes (RFC 4648 §5). */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Tells whether `token` is a JWS in canonical compact form: three base64url segments with no
 * padding or whitespace, each of a length unpadded base64url can have, and each ending in a
 * character whose unused low bits are zero (RFC 4648 §3.5: encoders set them to zero, so any
 * other last character is a second spelling of the same bytes).
 *
 * @param token - the string as presented
 * @returns `true` only for the canonical spelling
 */
export function isCanonicalCompactJws(token: string): boolean {
  if (!COMPACT_JWS.test(token)) return false;
  let start = 0;
  for (let segment = 0; segment < 3; segment++) {
    const end = segment < 2 ? token.indexOf(".", start) : token.length;
    if (!hasZeroPaddingBits(token, start, end)) return false;
    start = end + 1;
  }
  return true;
}

/** A segment of `length % 4 === 2` leaves 4 unused bits in its last character, `=== 3` leaves 2; `=== 1` is never valid. */
function hasZeroPaddingBits(token: string, start: number, end: number): boolean {
  const remainder = (end - start) % 4;
  if (remainder === 0) return true;
  if (remainder === 1) return false;
  const lastBits = ALPHABET.indexOf(token.charAt(end - 1));
  return (lastBits & (remainder === 2 ? 0b1111 : 0b11)) === 0;
}
