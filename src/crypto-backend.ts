/**
 * Which crypto backend this runtime loaded. The package chooses it by export condition when it
 * is loaded: `node:crypto` where the `node` condition holds (Node, Bun, Deno), Web Crypto with
 * `jose` everywhere else (edge runtimes, browsers, the JSR package). Both verify with exactly the
 * same checks and the same errors; only speed differs.
 *
 * @module
 */
import { cryptoBackend as backend } from "#crypto-backend";

/** The name of a crypto backend: `"node:crypto"` or `"web-crypto"`. */
export type CryptoBackendName = "node:crypto" | "web-crypto";

/**
 * The crypto backend this runtime loaded, for logs and diagnostics.
 *
 * @example
 * ```ts
 * import { cryptoBackend } from "tokenwise";
 *
 * console.log(`tokenwise verifies with ${cryptoBackend}`); // "node:crypto" on Node
 * ```
 */
export const cryptoBackend: CryptoBackendName = backend.name;
