/** Importing configured signing keys into the form the manager signs and verifies with. Internal. */
import { calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, importSPKI, type JWK as JoseJwk } from "jose";
import { InvalidConfigError } from "../errors.js";
import type { AsymmetricAlgorithm, AsymmetricSigningKey, HmacSigningKey, Jwk, KeyMaterial, SigningAlgorithm, SigningKey, WebCryptoKey } from "../signing-keys.js";
import { EXPECTED_KEY_TYPE, HMAC_MIN_BYTES, isCryptoKey, RSA_MIN_BITS } from "./_algorithms.js";
import { fromBase64Url, toBase64Url, utf8 } from "./_bytes.js";
import { withMaterial } from "./_key-material.js";

type JWK = Jwk & JoseJwk;

/** A key after import. */
export interface ImportedKey {
  alg: SigningAlgorithm;
  kid: string;
  /** Signs; `null` for verify-only keys. */
  signKey: WebCryptoKey | null;
  verifyKey: WebCryptoKey;
  /** Public JWK with `kid`, `alg` and `use`, or `null` for HMAC keys (never published). */
  publicJwk: Jwk | null;
  /** Marked `next`: verifies and is published, but does not sign yet. */
  next: boolean;
}

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/**
 * Imports the configured keys after {@link checkSigningKeys}: key type and curve matching the
 * algorithm, RSA modulus size, and each key's `kid` (explicit or RFC 7638 thumbprint) unique.
 *
 * @param keys - the keys, already checked
 * @param option - the option they come from, for errors
 * @returns imported keys, in the same order
 * @throws {InvalidConfigError} `invalid_config` naming the bad key, e.g. `signingKeys[1].privateKey`
 */
export async function importSigningKeys(keys: readonly SigningKey[], option = "signingKeys"): Promise<ImportedKey[]> {
  const imported = await Promise.all(
    keys.map((key, index) =>
      "secret" in key ? importHmacKey(key, `${option}[${index}]`) : importAsymmetricKey(key, `${option}[${index}]`),
    ),
  );
  imported.forEach((key, index) => {
    if (imported.findIndex((other) => other.kid === key.kid) !== index) {
      throw new InvalidConfigError(`${option}[${index}].kid`, `duplicate kid ${JSON.stringify(key.kid)}`);
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
  const jwk = { kty: "oct", k: toBase64Url(secret) };
  const cryptoKey = await guard(secretOption, async () =>
    withMaterial(await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: `SHA-${key.alg.slice(2)}` }, false, ["sign", "verify"]), jwk),
  );
  const kid = key.kid ?? (await calculateJwkThumbprint(jwk));
  return { alg: key.alg, kid, signKey: cryptoKey, verifyKey: cryptoKey, publicJwk: null, next: key.next === true };
}

/** The bytes of an HMAC secret in any accepted form. */
export async function hmacSecretBytes(secret: HmacSigningKey["secret"]): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof secret === "string") return utf8(secret) as Uint8Array<ArrayBuffer>;
  if (secret instanceof Uint8Array) return new Uint8Array(secret);
  if (isCryptoKey(secret)) {
    if (secret.type !== "secret" || !secret.extractable) throw new TypeError("expected an extractable HMAC CryptoKey");
    return new Uint8Array(await crypto.subtle.exportKey("raw", secret as CryptoKey));
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
  const verifyKey = await guard(publicOption, async () => withMaterial((await importJWK(publicJwk, key.alg)) as CryptoKey, publicJwk));
  const kid = key.kid ?? (await calculateJwkThumbprint(publicJwk));
  return { alg: key.alg, kid, signKey, verifyKey, publicJwk: { ...publicJwk, kid, alg: key.alg, use: "sig" }, next: key.next === true };
}

/** A private key as an extractable `CryptoKey` where the material allows (PEM, JWK); a given `CryptoKey` as it is. */
export async function importPrivate(material: KeyMaterial, alg: AsymmetricAlgorithm): Promise<WebCryptoKey> {
  if (isCryptoKey(material)) {
    if (material.type !== "private") throw new TypeError("expected a private CryptoKey");
    return material as CryptoKey;
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

/**
 * Checks that a public JWK fits its algorithm: key type, curve and RSA modulus size.
 *
 * @throws {InvalidConfigError} `invalid_config` naming `option`
 */
export function checkKeyType(jwk: Jwk, alg: AsymmetricAlgorithm, option: string): void {
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
