/**
 * The `node:crypto` floor: the least a JWS needs, with a `KeyObject` imported once. Verifying
 * splits the compact token, checks the signature over the signing input (HMAC compared with
 * `timingSafeEqual`) and parses the payload — no header or claim checks at all. Signing
 * serialises a header and claims and signs them. No library can do less.
 */
import { createHmac, KeyObject, sign, timingSafeEqual, verify, type SignKeyObjectInput, type VerifyKeyObjectInput } from "node:crypto";
import type { SigningAlgorithm } from "tokenwise";

/** The four algorithms the benchmark compares. */
export type BenchAlgorithm = Extract<SigningAlgorithm, "HS256" | "ES256" | "EdDSA" | "RS256">;

/** A key as `node:crypto` takes it: the secret for HMAC, the key pair otherwise. */
export interface BareKeys {
  alg: BenchAlgorithm;
  verifyKey: KeyObject;
  signKey: KeyObject;
}

/** JWS `alg` to `node:crypto`'s digest and key options (RFC 7518 §3.1; ECDSA signatures are R‖S, §3.4). */
function keyInput<Key extends VerifyKeyObjectInput | SignKeyObjectInput>(alg: BenchAlgorithm, key: KeyObject): Key {
  return (alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : { key }) as Key;
}

function digestOf(alg: BenchAlgorithm): string | null {
  return alg === "EdDSA" ? null : "sha256";
}

/**
 * The floor verifier for one key.
 *
 * @returns a function that returns the parsed payload, or throws when the signature does not verify
 */
export function bareVerifier(keys: BareKeys): (token: string) => unknown {
  const { alg, verifyKey } = keys;
  const digest = digestOf(alg);
  const input = keyInput<VerifyKeyObjectInput>(alg, verifyKey);
  return (token) => {
    const payloadEnd = token.lastIndexOf(".");
    const signingInput = token.slice(0, payloadEnd);
    const signature = Buffer.from(token.slice(payloadEnd + 1), "base64url");
    let valid: boolean;
    if (alg === "HS256") {
      const expected = createHmac("sha256", verifyKey).update(signingInput).digest();
      valid = expected.length === signature.length && timingSafeEqual(expected, signature);
    } else {
      valid = verify(digest, Buffer.from(signingInput), input, signature);
    }
    if (!valid) throw new Error("signature verification failed");
    return JSON.parse(Buffer.from(signingInput.slice(signingInput.indexOf(".") + 1), "base64url").toString("utf8"));
  };
}

/**
 * The bare signer for one key.
 *
 * @returns a function that serialises `header` and `payload` as a compact JWS
 */
export function bareSigner(keys: BareKeys): (header: object, payload: object) => string {
  const { alg, signKey } = keys;
  const digest = digestOf(alg);
  const input = keyInput<SignKeyObjectInput>(alg, signKey);
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return (header, payload) => {
    const signingInput = `${encode(header)}.${encode(payload)}`;
    const signature =
      alg === "HS256" ? createHmac("sha256", signKey).update(signingInput).digest() : sign(digest, Buffer.from(signingInput), input);
    return `${signingInput}.${signature.toString("base64url")}`;
  };
}
