/**
 * Signing keys: what the app configures, and the imported form the manager signs and verifies
 * with. Keys are imported once, when the manager is created, never per token.
 *
 * @module
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  importSPKI,
  type JWK as JoseJwk,
} from "jose";
import { InvalidConfigError } from "./errors.js";
import { fromBase64Url, toBase64Url, utf8 } from "./lib/_bytes.js";
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

type JWK = Jwk & JoseJwk;

/** A key as the app holds it: a Web Crypto key, a JWK, or PEM text (PKCS#8 private, SPKI public). */
export type KeyMaterial = CryptoKey | Jwk | string;

/** An HMAC key: a secret of at least the hash size (32, 48 or 64 bytes; RFC 7518 §3.2). */
export interface HmacSigningKey {
  /** The algorithm this key is used with, and the only one accepted for it. */
  alg: HmacAlgorithm;
  /** Raw bytes, a UTF-8 string (counted in bytes), an `oct` JWK, or an HMAC `CryptoKey`. */
  secret: Uint8Array | string | Jwk | CryptoKey;
  /** Key id put in the JWT header. @default the RFC 7638 thumbprint */
  kid?: string;
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
}

/** A signing key as configured. */
export type SigningKey = HmacSigningKey | AsymmetricSigningKey;

/** A key after import. Internal to the manager. */
export interface ImportedKey {
  alg: SigningAlgorithm;
  kid: string;
  /** Signs; `null` for verify-only keys. */
  signKey: CryptoKey | null;
  verifyKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use`, or `null` for HMAC keys (never published). */
  publicJwk: Jwk | null;
}

const HMAC_MIN_BYTES: Readonly<Record<HmacAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };
const EXPECTED_KEY_TYPE: Readonly<Record<AsymmetricAlgorithm, { kty: string; crv?: string }>> = {
  ES256: { kty: "EC", crv: "P-256" },
  ES384: { kty: "EC", crv: "P-384" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
  RS256: { kty: "RSA" },
  PS256: { kty: "RSA" },
};
const RSA_MIN_BITS = 2048;
const ALGORITHMS: readonly string[] = [...Object.keys(HMAC_MIN_BYTES), ...Object.keys(EXPECTED_KEY_TYPE)];

function isHmacAlgorithm(alg: unknown): alg is HmacAlgorithm {
  return typeof alg === "string" && Object.hasOwn(HMAC_MIN_BYTES, alg);
}

function isAsymmetricAlgorithm(alg: unknown): alg is AsymmetricAlgorithm {
  return typeof alg === "string" && Object.hasOwn(EXPECTED_KEY_TYPE, alg);
}
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/**
 * Checks what can be checked without importing: a non-empty list, supported algorithms, key
 * material present, HMAC secret sizes, unique explicit kids, and a first key able to sign.
 *
 * @param keys - the `signingKeys` option
 * @throws {InvalidConfigError} `invalid_config` naming the bad key, e.g. `signingKeys[1].secret`
 */
export function checkSigningKeys(keys: unknown): asserts keys is readonly SigningKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new InvalidConfigError("signingKeys", "expected a non-empty array of signing keys");
  }
  keys.forEach((key: unknown, index) => checkSigningKey(key, `signingKeys[${index}]`));
  const first = keys[0] as SigningKey;
  if (!("secret" in first) && first.privateKey === undefined) {
    throw new InvalidConfigError("signingKeys[0]", "the first key signs new tokens, so it needs a private key or secret");
  }
  const kids = keys.map((key: SigningKey) => key.kid).filter((kid) => kid !== undefined);
  const duplicate = kids.find((kid, index) => kids.indexOf(kid) !== index);
  if (duplicate !== undefined) throw new InvalidConfigError("signingKeys", `duplicate kid ${JSON.stringify(duplicate)}`);
}

function checkSigningKey(key: unknown, option: string): void {
  if (typeof key !== "object" || key === null) throw new InvalidConfigError(option, "expected a signing key object");
  const { alg, kid } = key as { alg?: unknown; kid?: unknown };
  if (kid !== undefined && (typeof kid !== "string" || kid.length === 0)) {
    throw new InvalidConfigError(`${option}.kid`, "expected a non-empty string");
  }
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
  const jwk = secret as JWK | null;
  if (typeof jwk === "object" && jwk !== null && jwk.kty === "oct" && typeof jwk.k === "string") return Math.floor((jwk.k.length * 6) / 8);
  return null;
}

/**
 * Imports the configured keys after {@link checkSigningKeys}: key type and curve matching the
 * algorithm, RSA modulus size, and each key's `kid` (explicit or RFC 7638 thumbprint) unique.
 *
 * @param keys - the `signingKeys` option, already checked
 * @returns imported keys, in the same order
 * @throws {InvalidConfigError} `invalid_config` naming the bad key, e.g. `signingKeys[1].privateKey`
 */
export async function importSigningKeys(keys: readonly SigningKey[]): Promise<ImportedKey[]> {
  const imported = await Promise.all(
    keys.map((key, index) =>
      "secret" in key ? importHmacKey(key, `signingKeys[${index}]`) : importAsymmetricKey(key, `signingKeys[${index}]`),
    ),
  );
  imported.forEach((key, index) => {
    if (imported.findIndex((other) => other.kid === key.kid) !== index) {
      throw new InvalidConfigError(`signingKeys[${index}].kid`, `duplicate kid ${JSON.stringify(key.kid)}`);
    }
  });
  return imported;
}

async function importHmacKey(key: HmacSigningKey, option: string): Promise<ImportedKey> {
  const secretOption = `${option}.secret`;
  const secret = await guard(secretOption, () => hmacSecretBytes(key.secret));
  const minimum = HMAC_MIN_BYTES[key.alg];
  if (secret.length < minimum) {
    throw new InvalidConfigError(secretOption, `${key.alg} needs a secret of at least ${minimum} bytes (RFC 7518 §3.2); got ${secret.length}`);
  }
  // Imported once as a non-extractable CryptoKey: jose would otherwise re-import raw bytes on every call.
  const cryptoKey = await guard(secretOption, () =>
    crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: `SHA-${key.alg.slice(2)}` }, false, ["sign", "verify"]),
  );
  const kid = key.kid ?? (await calculateJwkThumbprint({ kty: "oct", k: toBase64Url(secret) }));
  return { alg: key.alg, kid, signKey: cryptoKey, verifyKey: cryptoKey, publicJwk: null };
}

async function hmacSecretBytes(secret: HmacSigningKey["secret"]): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof secret === "string") return utf8(secret) as Uint8Array<ArrayBuffer>;
  if (secret instanceof Uint8Array) return new Uint8Array(secret);
  if (isCryptoKey(secret)) {
    if (secret.type !== "secret" || !secret.extractable) throw new TypeError("expected an extractable HMAC CryptoKey");
    return new Uint8Array(await crypto.subtle.exportKey("raw", secret));
  }
  const decoded = typeof secret?.k === "string" && secret.kty === "oct" ? fromBase64Url(secret.k) : null;
  if (!decoded) throw new TypeError("expected bytes, a string, an oct JWK or an HMAC CryptoKey");
  return new Uint8Array(decoded);
}

async function importAsymmetricKey(key: AsymmetricSigningKey, option: string): Promise<ImportedKey> {
  const signKey =
    key.privateKey === undefined ? null : await guard(`${option}.privateKey`, () => importPrivate(key.privateKey as KeyMaterial, key.alg));
  const publicOption = key.publicKey === undefined ? `${option}.privateKey` : `${option}.publicKey`;
  const publicJwk = await guard(publicOption, () =>
    key.publicKey === undefined ? publicJwkOfPrivate(signKey as CryptoKey) : publicJwkOf(key.publicKey, key.alg),
  );
  checkKeyType(publicJwk, key.alg, publicOption);
  const verifyKey = await guard(publicOption, () => importJWK(publicJwk, key.alg) as Promise<CryptoKey>);
  const kid = key.kid ?? (await calculateJwkThumbprint(publicJwk));
  return { alg: key.alg, kid, signKey, verifyKey, publicJwk: { ...publicJwk, kid, alg: key.alg, use: "sig" } };
}

async function importPrivate(material: KeyMaterial, alg: AsymmetricAlgorithm): Promise<CryptoKey> {
  if (isCryptoKey(material)) {
    if (material.type !== "private") throw new TypeError("expected a private CryptoKey");
    return material;
  }
  if (typeof material === "string") return importPKCS8(material, alg, { extractable: true });
  if (typeof material.d !== "string") throw new TypeError("expected a private JWK (with \"d\")");
  return importJWK(material, alg, { extractable: true }) as Promise<CryptoKey>;
}

async function publicJwkOfPrivate(privateKey: CryptoKey): Promise<JWK> {
  if (!privateKey.extractable) {
    throw new TypeError("a non-extractable private CryptoKey needs its publicKey configured beside it");
  }
  return stripPrivateMembers(await exportJWK(privateKey));
}

async function publicJwkOf(material: KeyMaterial, alg: AsymmetricAlgorithm): Promise<JWK> {
  if (isCryptoKey(material)) {
    if (material.type !== "public") throw new TypeError("expected a public CryptoKey");
    return stripPrivateMembers(await exportJWK(material));
  }
  if (typeof material === "string") return stripPrivateMembers(await exportJWK(await importSPKI(material, alg, { extractable: true })));
  return stripPrivateMembers(material);
}

function stripPrivateMembers(jwk: JWK): JWK {
  const publicJwk: JWK = { ...jwk };
  for (const member of PRIVATE_JWK_MEMBERS) delete publicJwk[member];
  delete publicJwk.key_ops;
  delete publicJwk.ext;
  return publicJwk;
}

function checkKeyType(jwk: JWK, alg: AsymmetricAlgorithm, option: string): void {
  const expected = EXPECTED_KEY_TYPE[alg];
  if (jwk.kty !== expected.kty || (expected.crv !== undefined && jwk.crv !== expected.crv)) {
    throw new InvalidConfigError(option, `${alg} needs a ${expected.kty}${expected.crv ? ` ${expected.crv}` : ""} key; got ${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ""}`);
  }
  if (expected.kty === "RSA") {
    const bits = Math.floor(((jwk.n ?? "").length * 6) / 8) * 8;
    if (bits < RSA_MIN_BITS) throw new InvalidConfigError(option, `${alg} needs an RSA key of at least ${RSA_MIN_BITS} bits; got ${bits}`);
  }
}

/** Runs a key import, turning whatever it throws into an `invalid_config` naming the option. */
async function guard<T>(option: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    if (error instanceof InvalidConfigError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidConfigError(option, `cannot import key: ${detail}`, { cause: error });
  }
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== "undefined" && value instanceof CryptoKey;
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
