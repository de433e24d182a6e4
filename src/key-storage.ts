/**
 * Keeping signing keys between restarts: a key generated once is exported to text for wherever
 * secrets live (an environment variable, a secret manager, a file) and imported back on every
 * start — without touching `jose`. The recommended format is a private JWK as JSON: one string
 * that carries its `alg` and `kid`, so every instance signs and verifies under the same `kid`.
 *
 * @module
 */
import { exportJWK, exportPKCS8 } from "jose";
import { InvalidArgumentError, InvalidConfigError } from "./errors.js";
import { isAsymmetricAlgorithm, isHmacAlgorithm } from "./lib/_algorithms.js";
import { toBase64Url } from "./lib/_bytes.js";
import { hmacSecretBytes, importPrivate, importSigningKeys } from "./lib/_key-import.js";
import { checkKeyList, type AsymmetricSigningKey, type Jwk, type SigningAlgorithm, type SigningKey } from "./signing-keys.js";

/** Options of {@link exportSigningKey}. */
export interface ExportSigningKeyOptions {
  /**
   * `"jwk"`: a private JWK as JSON text, with `alg` and `kid` — the recommended format.
   * `"pem"`: PKCS#8 PEM (asymmetric keys only), for tools that want it; it carries no `alg` or
   * `kid`, so give both to {@link importSigningKey} again.
   * @default "jwk"
   */
  format?: "jwk" | "pem";
}

/**
 * Exports a signing key as text to store. The `kid` written is the key's own, or its RFC 7638
 * thumbprint — the one the manager would use.
 *
 * The text holds the private key: keep it secret.
 *
 * @param key - a key that can sign (a private key or an HMAC secret), e.g. from `generateSigningKey`
 * @param options - `format`
 * @returns the JWK JSON or PEM text
 * @throws {InvalidArgumentError} `invalid_argument` for a key that cannot sign, a non-extractable `CryptoKey`, or PEM of an HMAC secret
 * @throws {InvalidConfigError} `invalid_config` for key material that cannot be imported
 *
 * @example
 * ```ts
 * import { exportSigningKey, generateSigningKey } from "tokenwise";
 *
 * const stored = await exportSigningKey(await generateSigningKey("EdDSA")); // '{"kty":"OKP","crv":"Ed25519",…,"alg":"EdDSA","kid":"…"}'
 * ```
 */
export async function exportSigningKey(key: SigningKey, options: ExportSigningKeyOptions = {}): Promise<string> {
  const format = options.format ?? "jwk";
  if (format !== "jwk" && format !== "pem") throw new InvalidArgumentError("format", 'expected "jwk" or "pem"');
  checkKeyList([key], "key");
  const [imported] = await importSigningKeys([key], "key");
  const kid = (imported as { kid: string }).kid;
  if ("secret" in key) {
    if (format === "pem") throw new InvalidArgumentError("format", "an HMAC secret has no PEM form; export it as a JWK");
    return JSON.stringify({ kty: "oct", k: toBase64Url(await hmacSecretBytes(key.secret)), alg: key.alg, kid });
  }
  if (key.privateKey === undefined) throw new InvalidArgumentError("key", "has no private key: a public key needs no storing, jwks() publishes it");
  const privateKey = (await importPrivate(key.privateKey, key.alg)) as CryptoKey;
  try {
    if (format === "pem") return await exportPKCS8(privateKey);
    const { key_ops: _operations, ext: _extractable, ...jwk } = (await exportJWK(privateKey)) as Jwk;
    return JSON.stringify({ ...jwk, alg: key.alg, kid });
  } catch (error) {
    throw new InvalidArgumentError("key", `cannot be exported (a non-extractable CryptoKey?): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Options of {@link importSigningKey}. */
export interface ImportSigningKeyOptions {
  /** The algorithm: required for PEM, checked against the JWK's own `alg` otherwise. @default the JWK's `alg` */
  alg?: SigningAlgorithm;
  /** The key id. @default the JWK's `kid`, else the RFC 7638 thumbprint (computed by the manager) */
  kid?: string;
  /** Mark the key as the next of a rotation (see `SigningKey.next`). @default false */
  next?: boolean;
}

/**
 * Reads a stored signing key back into a `signingKeys` entry: a private JWK as JSON (as
 * {@link exportSigningKey} writes it, or from any JWK tool) or PKCS#8 PEM. Surrounding whitespace
 * is ignored. The key itself is imported, and so fully checked, by the manager (`ready()`).
 *
 * @param stored - the JWK JSON or PEM text
 * @param options - `alg` (required for PEM), `kid`, `next`
 * @returns the signing key
 * @throws {InvalidConfigError} `invalid_config` (option `"key"`) for text that is neither, a public key, or a missing or mismatched `alg`
 *
 * @example
 * ```ts
 * import { importSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
 *
 * const tokens = new TokenManager({
 *   issuer: "https://api.example.com",
 *   audience: "api",
 *   signingKeys: [importSigningKey(process.env.SIGNING_KEY ?? "")],
 *   store: new MemoryRefreshTokenStore(),
 * });
 * ```
 */
export function importSigningKey(stored: string, options: ImportSigningKeyOptions = {}): SigningKey {
  if (typeof stored !== "string" || stored.trim().length === 0) throw new InvalidConfigError("key", "expected the stored key's text; got nothing");
  const text = stored.trim();
  const key = text.startsWith("{") ? keyOfJwk(parseJwk(text), options) : keyOfPem(text, options);
  if (options.kid !== undefined) key.kid = options.kid;
  if (options.next !== undefined) key.next = options.next;
  checkKeyList([key], "key");
  return key;
}

function parseJwk(text: string): Jwk {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfigError("key", "is neither a JWK (not valid JSON) nor PEM", { cause: error });
  }
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) throw new InvalidConfigError("key", "expected a JWK object");
  return jwk as Jwk;
}

function keyOfJwk(jwk: Jwk, options: ImportSigningKeyOptions): SigningKey {
  if (options.alg !== undefined && jwk.alg !== undefined && jwk.alg !== options.alg) {
    throw new InvalidConfigError("key", `the JWK is for ${JSON.stringify(jwk.alg)}, not ${options.alg}`);
  }
  const alg = options.alg ?? jwk.alg;
  const kid = typeof jwk.kid === "string" ? { kid: jwk.kid } : {};
  if (jwk.kty === "oct") {
    if (!isHmacAlgorithm(alg)) throw new InvalidConfigError("key", `an oct JWK needs alg HS256, HS384 or HS512; got ${JSON.stringify(alg)}`);
    return { alg, secret: { kty: "oct", k: jwk.k }, ...kid };
  }
  if (typeof jwk.d !== "string") throw new InvalidConfigError("key", 'is a public JWK (no "d"): a signing key needs its private part');
  if (!isAsymmetricAlgorithm(alg)) throw new InvalidConfigError("key", `the JWK names no supported alg (${JSON.stringify(alg)}); pass options.alg`);
  return { alg, privateKey: jwk, ...kid };
}

function keyOfPem(pem: string, options: ImportSigningKeyOptions): AsymmetricSigningKey {
  if (!pem.startsWith("-----BEGIN PRIVATE KEY-----")) {
    throw new InvalidConfigError("key", "expected a private JWK as JSON or PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
  }
  if (!isAsymmetricAlgorithm(options.alg)) throw new InvalidConfigError("key", "PEM carries no algorithm: pass options.alg (ES256, ES384, EdDSA, RS256 or PS256)");
  return { alg: options.alg, privateKey: pem };
}
