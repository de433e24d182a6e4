/**
 * Signing keys as the app configures them, and the checks that need no import. The import itself
 * (`lib/_key-import.ts`) happens once, when the manager is created, never per token.
 *
 * @module
 */
import { generateKeyPair } from "jose";
import { InvalidConfigError } from "./errors.js";
import { ALGORITHMS, HMAC_MIN_BYTES, isAsymmetricAlgorithm, isCryptoKey, isHmacAlgorithm } from "./lib/_algorithms.js";
import { utf8 } from "./lib/_bytes.js";
import { secureRandomBytes } from "./random.js";

/** HMAC algorithms: one shared secret signs and verifies. */
export type HmacAlgorithm = "HS256" | "HS384" | "HS512";
/** Asymmetric algorithms: a private key signs, its public key verifies (and is published by `jwks()`). */
export type AsymmetricAlgorithm = "ES256" | "ES384" | "EdDSA" | "RS256" | "PS256";
/** Every algorithm tokenwise signs with. `none` is not one of them, by design (RFC 8725 §3.2). */
export type SigningAlgorithm = HmacAlgorithm | AsymmetricAlgorithm;

/**
 * A JSON Web Key (RFC 7517). Declared here rather than taken from `jose`, so that the package's
 * type declarations import nothing from an ESM-only dependency (CommonJS consumers stay happy).
 */
export interface Jwk {
  /** Key type: `"oct"`, `"EC"`, `"OKP"` or `"RSA"`. */
  kty?: string;
  /** Key id. */
  kid?: string;
  /** Algorithm the key is for. */
  alg?: string;
  /** Intended use: `"sig"`. */
  use?: string;
  /** Permitted operations. */
  key_ops?: string[];
  /** Extractable (Web Crypto). */
  ext?: boolean;
  /** Curve of an EC or OKP key. */
  crv?: string;
  /** Public x coordinate (EC, OKP). */
  x?: string;
  /** Public y coordinate (EC). */
  y?: string;
  /** RSA modulus. */
  n?: string;
  /** RSA public exponent. */
  e?: string;
  /** Private key (EC, OKP) or private exponent (RSA). */
  d?: string;
  /** RSA first prime factor. */
  p?: string;
  /** RSA second prime factor. */
  q?: string;
  /** RSA first factor CRT exponent. */
  dp?: string;
  /** RSA second factor CRT exponent. */
  dq?: string;
  /** RSA first CRT coefficient. */
  qi?: string;
  /** Symmetric key value (oct). */
  k?: string;
  /** Any other parameter. */
  [parameter: string]: unknown;
}

/**
 * A Web Crypto `CryptoKey`, described by the members tokenwise reads rather than by the DOM
 * library's global, so the declarations type-check in a Node-only project (`lib: ["es2022"]`,
 * `types: ["node"]`). A key from `crypto.subtle` on any runtime fits, and so does Node's
 * `webcrypto.CryptoKey`; at run time the value must be a real `CryptoKey` instance.
 */
export interface WebCryptoKey {
  /** `"secret"` for HMAC keys, `"private"` or `"public"` for asymmetric ones. */
  readonly type: "secret" | "private" | "public";
  /** Whether the key can be exported; a private key must be, unless its `publicKey` is configured beside it. */
  readonly extractable: boolean;
  /** The algorithm the key was made for, e.g. `{ name: "Ed25519" }`. */
  readonly algorithm: {
    /** The algorithm's registered name. */
    readonly name: string;
  };
  /** The operations the key allows, e.g. `["sign"]`. */
  readonly usages: readonly string[];
}

/** A key as the app holds it: a Web Crypto key, a JWK, or PEM text (PKCS#8 private, SPKI public). */
export type KeyMaterial = WebCryptoKey | Jwk | string;

/** An HMAC key: a secret of at least the hash size (32, 48 or 64 bytes; RFC 7518 §3.2). */
export interface HmacSigningKey {
  /** The algorithm this key is used with, and the only one accepted for it. */
  alg: HmacAlgorithm;
  /** Raw bytes, a UTF-8 string (counted in bytes), an `oct` JWK, or an HMAC `CryptoKey`. */
  secret: Uint8Array | string | Jwk | WebCryptoKey;
  /** Key id put in the JWT header. @default the RFC 7638 thumbprint */
  kid?: string;
  /** Verifies but does not sign yet: the next key of a rotation (see {@link AsymmetricSigningKey.next}). @default false */
  next?: boolean;
}

/**
 * An asymmetric key. Give `privateKey` to sign; `publicKey` alone makes a verify-only key (an
 * old key kept during rotation). The public key is derived from an extractable private key.
 */
export interface AsymmetricSigningKey {
  /** The algorithm this key is used with, and the only one accepted for it. */
  alg: AsymmetricAlgorithm;
  /** PKCS#8 PEM, private JWK, or private `CryptoKey`. */
  privateKey?: KeyMaterial;
  /** SPKI PEM, public JWK, or public `CryptoKey`; required when `privateKey` is a non-extractable `CryptoKey`. */
  publicKey?: KeyMaterial;
  /** Key id put in the JWT header. @default the RFC 7638 thumbprint of the public key */
  kid?: string;
  /**
   * The next key of a rotation: published by `jwks()` and accepted by verification, but it
   * signs nothing until promoted (the flag removed). Publishing it first lets every verifier
   * that caches the JWK Set learn it before the first token it signs arrives. Needs
   * `privateKey`. @default false
   */
  next?: boolean;
}

/** A signing key as configured. */
export type SigningKey = HmacSigningKey | AsymmetricSigningKey;

/**
 * Checks what can be checked without importing: a non-empty list, supported algorithms, key
 * material present, HMAC secret sizes, unique explicit kids, next keys able to sign, and a key
 * that signs now: the first one not marked `next`.
 *
 * @param keys - the `signingKeys` option
 * @returns the index of the key that signs
 * @throws {InvalidConfigError} `invalid_config` naming the bad key, e.g. `signingKeys[1].secret`
 */
export function checkSigningKeys(keys: unknown): number {
  checkKeyList(keys, "signingKeys");
  const signer = keys.findIndex((key) => key.next !== true);
  if (signer === -1) throw new InvalidConfigError("signingKeys", "every key is marked next; the first key not marked next signs, so one is needed");
  keys.forEach((key, index) => {
    if ((index === signer || key.next === true) && !canSign(key)) {
      const role = index === signer ? "signs new tokens" : "is the next signing key";
      throw new InvalidConfigError(`signingKeys[${index}]`, `${role}, so it needs a private key or secret (to verify tokens without issuing any, use TokenVerifier)`);
    }
  });
  return signer;
}

/**
 * Checks a list of keys for verification only (`TokenVerifier`): as {@link checkSigningKeys},
 * but no key needs to sign.
 *
 * @param keys - the option's value
 * @param option - the option's name, for errors
 * @throws {InvalidConfigError} `invalid_config` naming the bad key
 */
export function checkKeyList(keys: unknown, option: string): asserts keys is readonly SigningKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new InvalidConfigError(option, "expected a non-empty array of keys");
  }
  keys.forEach((key: unknown, index) => checkSigningKey(key, `${option}[${index}]`));
  const kids = keys.map((key: SigningKey) => key.kid).filter((kid) => kid !== undefined);
  const duplicate = kids.find((kid, index) => kids.indexOf(kid) !== index);
  if (duplicate !== undefined) throw new InvalidConfigError(option, `duplicate kid ${JSON.stringify(duplicate)}`);
}

function canSign(key: SigningKey): boolean {
  return "secret" in key || key.privateKey !== undefined;
}

function checkSigningKey(key: unknown, option: string): void {
  if (typeof key !== "object" || key === null) throw new InvalidConfigError(option, "expected a signing key object");
  const { alg, kid, next } = key as { alg?: unknown; kid?: unknown; next?: unknown };
  if (kid !== undefined && (typeof kid !== "string" || kid.length === 0)) {
    throw new InvalidConfigError(`${option}.kid`, "expected a non-empty string");
  }
  if (next !== undefined && typeof next !== "boolean") throw new InvalidConfigError(`${option}.next`, "expected true or false");
  if (isHmacAlgorithm(alg)) {
    const { secret } = key as HmacSigningKey;
    const bytes = knownSecretLength(secret);
    if (bytes === null) throw new InvalidConfigError(`${option}.secret`, "expected bytes, a string, an oct JWK or an HMAC CryptoKey");
    if (bytes !== undefined && bytes < HMAC_MIN_BYTES[alg]) {
      throw new InvalidConfigError(`${option}.secret`, `${alg} needs a secret of at least ${HMAC_MIN_BYTES[alg]} bytes (RFC 7518 §3.2); got ${bytes}`);
    }
    return;
  }
  if (!isAsymmetricAlgorithm(alg)) {
    throw new InvalidConfigError(`${option}.alg`, `unsupported algorithm ${JSON.stringify(alg)}; use one of ${ALGORITHMS.join(", ")}`);
  }
  const { privateKey, publicKey } = key as AsymmetricSigningKey;
  if (privateKey === undefined && publicKey === undefined) {
    throw new InvalidConfigError(option, "expected privateKey (to sign) or publicKey (to verify only)");
  }
}

/** Byte length of an HMAC secret; `undefined` when only import can tell, `null` when it is no secret at all. */
function knownSecretLength(secret: unknown): number | undefined | null {
  if (typeof secret === "string") return utf8(secret).length;
  if (secret instanceof Uint8Array) return secret.length;
  if (isCryptoKey(secret)) return secret.type === "secret" ? undefined : null;
  const jwk = secret as Jwk | null;
  if (typeof jwk === "object" && jwk !== null && jwk.kty === "oct" && typeof jwk.k === "string") return Math.floor((jwk.k.length * 6) / 8);
  return null;
}

/**
 * Generates a fresh signing key for demos, tests and first deployments. Keys are extractable so
 * they can be saved (export them with `jose`'s `exportJWK`/`exportPKCS8`).
 *
 * @param alg - the algorithm; EdDSA (Ed25519) is a good default: small, fast, deterministic
 * @param kid - optional key id; defaults to the RFC 7638 thumbprint when the manager imports it
 * @returns a key ready for the `signingKeys` option
 * @throws {InvalidConfigError} `invalid_config` for an unsupported algorithm
 *
 * @example
 * ```ts
 * import { TokenManager, MemoryRefreshTokenStore, generateSigningKey } from "tokenwise";
 *
 * const tokens = new TokenManager({
 *   issuer: "https://api.example.com",
 *   audience: "api",
 *   signingKeys: [await generateSigningKey("EdDSA")],
 *   store: new MemoryRefreshTokenStore(),
 * });
 * ```
 */
export async function generateSigningKey(alg: SigningAlgorithm, kid?: string): Promise<SigningKey> {
  if (isHmacAlgorithm(alg)) {
    const secret = secureRandomBytes(HMAC_MIN_BYTES[alg]);
    return kid === undefined ? { alg, secret } : { alg, secret, kid };
  }
  if (!isAsymmetricAlgorithm(alg)) {
    throw new InvalidConfigError("alg", `unsupported algorithm ${JSON.stringify(alg)}; use one of ${ALGORITHMS.join(", ")}`);
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const key: AsymmetricSigningKey = { alg, privateKey, publicKey };
  if (kid !== undefined) key.kid = kid;
  return key;
}
