/**
 * Randomness source used for refresh tokens, session ids and `jti`s. Injectable so tests can be
 * deterministic; the default is the platform CSPRNG.
 *
 * @module
 */

/** Returns `length` cryptographically secure random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * Bytes drawn from the CSPRNG at once. A refresh draws twice (its refresh token, its access
 * token's `jti`), and each `crypto.getRandomValues` call costs about 3 µs on Node whatever its
 * size; one call per 4 KiB serves about eighty refreshes.
 */
const POOL_BYTES = 4096;

/** Requests above this size skip the pool: they would drain it for little gain. */
const POOLED_MAX = 256;

let pool = new Uint8Array(0);
let offset = 0;

/**
 * The default {@link RandomBytes}: Web Crypto's `crypto.getRandomValues`, available on Node,
 * Deno, Bun, browsers and edge runtimes. Small requests are served from a pool filled by one
 * `getRandomValues` call; every byte is handed out once and erased from the pool as it is, so
 * the pool never holds a value that was returned.
 *
 * @param length - how many bytes (at most 65,536, as for `getRandomValues`)
 * @returns fresh random bytes, owned by the caller
 *
 * @example
 * ```ts
 * import { secureRandomBytes } from "tokenwise";
 *
 * const sessionSecret = secureRandomBytes(32);
 * ```
 */
export function secureRandomBytes(length: number): Uint8Array {
  // Anything but a small whole number goes straight through, failing (or not) as it always did.
  if (!(Number.isInteger(length) && length >= 0 && length <= POOLED_MAX)) return crypto.getRandomValues(new Uint8Array(length));
  if (offset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  const end = offset + length;
  const bytes = pool.slice(offset, end);
  pool.fill(0, offset, end);
  offset = end;
  return bytes;
}
