/**
 * The one shape of a crypto backend. Two modules have it, side by side in this folder: `_native`
 * (`node:crypto`, for Node and the runtimes that honour the `node` condition) and `_web` (Web
 * Crypto through `jose`, hashes from `@noble/hashes`, for every other runtime). The package's
 * `#crypto-backend` import chooses one by export condition when the package is loaded — never by
 * a runtime test at call time — and the core only ever imports that name. Internal.
 */
import type { CryptoBackendName } from "../../crypto-backend.js";
import type { JsonObject } from "../../store.js";
import type { WebCryptoKey } from "../../signing-keys.js";
import type { JwtFailure, VerifyContext } from "../_jwt.js";

/** A token's verified claims, or why it failed. */
export type JwsVerification = { payload: JsonObject } | { failure: JwtFailure };

/** The protected header tokenwise writes, in the order it writes it. */
export interface JwsHeader {
  alg: string;
  kid: string;
  typ: string;
}

/** What every backend does. */
export interface CryptoBackend {
  readonly name: CryptoBackendName;
  /**
   * Verifies a JWT already in canonical compact form, exactly as `jose.jwtVerify` does with
   * tokenwise's strict options: header (`crit`, `b64`, `alg` allowed by the key source), the key
   * the header names, the signature, then `typ`, the required claims, `iss`, `aud`, `iat`, `nbf`
   * and `exp` with the clock tolerance. Never throws; failures carry the same reason, message and
   * claim on every backend.
   *
   * @param now - the instant of every time check
   */
  verifyJws(context: VerifyContext, token: string, typ: string, now: Date): JwsVerification | Promise<JwsVerification>;
  /** Signs a JWT: the compact serialisation of `header` and `payload`, as `jose.SignJWT` writes it. */
  signJws(key: WebCryptoKey, header: JwsHeader, payload: JsonObject): string | Promise<string>;
  /** SHA-256 of the UTF-8 bytes of `text`, lowercase hex. */
  sha256Hex(text: string): string;
  /** SHA-256 of the UTF-8 bytes of `text`. */
  sha256(text: string): Uint8Array;
  /** HMAC-SHA256 of `message` under the UTF-8 bytes of `key`: opens the successor seals of tokenwise 0.1. */
  hmacSha256(key: string, message: Uint8Array): Uint8Array;
}
