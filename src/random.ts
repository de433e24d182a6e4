/**
 * Randomness source used for refresh tokens, session ids and `jti`s. Injectable so tests can be
 * deterministic; the default is the platform CSPRNG.
 *
 * @module
 */

/** Returns `length` cryptographically secure random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * The default {@link RandomBytes}: Web Crypto's `crypto.getRandomValues`, available on Node,
 * Deno, Bun, browsers and edge runtimes.
 *
 * @param length - how many bytes
 * @returns fresh random bytes
 *
 * @example
 * ```ts
 * import { secureRandomBytes } from "tokenwise";
 *
 * const sessionSecret = secureRandomBytes(32);
 * ```
 */
export function secureRandomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
