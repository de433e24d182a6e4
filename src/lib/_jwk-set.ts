/**
 * Reading a JWK Set (RFC 7517 §5) into verification keys, trusting nothing in it: each key must
 * name its `kid` and an allowed `alg` (the algorithm comes from the key, never from a token),
 * permit verification (`use`, `key_ops`), hold no private part and fit its algorithm. Internal.
 */
import { importJWK } from "jose";
import { InvalidConfigError } from "../errors.js";
import type { AsymmetricAlgorithm, Jwk, WebCryptoKey } from "../signing-keys.js";
import { EXPECTED_KEY_TYPE } from "./_algorithms.js";
import { checkKeyType } from "./_key-import.js";
import { withMaterial } from "./_key-material.js";
import type { VerificationKey } from "./_key-source.js";

/** Every asymmetric algorithm: the default allow-list of a JWK Set (HMAC secrets are never published). */
export const JWK_SET_ALGORITHMS: readonly AsymmetricAlgorithm[] = Object.keys(EXPECTED_KEY_TYPE) as AsymmetricAlgorithm[];

/** More keys than any real set holds: importing each costs time, so a larger set is refused whole. */
const MAX_KEYS = 100;

/** Members that only a private or secret key has: a set carrying them is leaking a key. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/** The public members each key type needs, and the only ones passed to the import. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = { EC: ["crv", "x", "y"], OKP: ["crv", "x"], RSA: ["n", "e"] };

/** The usable keys of a set, and why each other key was refused. */
export interface ImportedJwkSet {
  keys: VerificationKey[];
  refused: string[];
}

/**
 * Imports the keys of a JWK Set that may verify tokens.
 *
 * @param value - the parsed set, of unknown shape
 * @param algorithms - the algorithms a key may have
 * @returns the usable keys, and a reason for each refused one
 * @throws {TypeError} when `value` is not a JWK Set at all, or holds more than 100 keys
 */
export async function importJwkSet(value: unknown, algorithms: readonly string[]): Promise<ImportedJwkSet> {
  const jwks = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== "object" || value === null || !Array.isArray(jwks)) throw new TypeError('expected a JWK Set: an object with a "keys" array');
  if (jwks.length > MAX_KEYS) throw new TypeError(`a JWK Set of ${jwks.length} keys; at most ${MAX_KEYS} are read`);
  const imported = await Promise.all(jwks.map((jwk: unknown, index) => importOne(jwk, `keys[${index}]`, algorithms)));
  const keys: VerificationKey[] = [];
  const refused: string[] = [];
  for (const result of imported) {
    if (typeof result === "string") refused.push(result);
    else if (keys.some((key) => key.kid === result.kid && key.alg === result.alg)) refused.push(`${describe(result.kid)}: a second key with this kid and alg`);
    else keys.push(result);
  }
  return { keys, refused };
}

/** One key, or the reason it cannot verify. */
async function importOne(jwk: unknown, position: string, algorithms: readonly string[]): Promise<VerificationKey | string> {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return `${position}: not a JWK object`;
  const { kid, alg, use, key_ops: operations } = jwk as Jwk;
  if (typeof kid !== "string" || kid.length === 0) return `${position}: no kid`;
  const name = `${position} ${describe(kid)}`;
  if (typeof alg !== "string" || !algorithms.includes(alg)) return `${name}: alg ${JSON.stringify(alg)} is not one of ${algorithms.join(", ")}`;
  if (use !== undefined && use !== "sig") return `${name}: use ${JSON.stringify(use)} is not "sig"`;
  if (operations !== undefined && !(Array.isArray(operations) && operations.includes("verify"))) return `${name}: key_ops does not permit "verify"`;
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return `${name}: holds a private or secret key, which a JWK Set must never publish`;
  try {
    checkKeyType(jwk as Jwk, alg as AsymmetricAlgorithm, name);
    const publicJwk = publicMembersOf(jwk as Jwk);
    return { alg, kid, verifyKey: withMaterial((await importJWK(publicJwk, alg)) as WebCryptoKey, publicJwk) };
  } catch (error) {
    return error instanceof InvalidConfigError ? error.message : `${name}: cannot import: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function publicMembersOf(jwk: Jwk): Jwk {
  const publicJwk: Jwk = { kty: jwk.kty };
  for (const member of PUBLIC_MEMBERS[jwk.kty as string] ?? []) publicJwk[member] = jwk[member];
  return publicJwk;
}

function describe(kid: string): string {
  return `(kid ${JSON.stringify(kid.slice(0, 64))})`;
}
