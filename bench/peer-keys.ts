/**
 * One signing key of the benchmark in every form a verifier takes it, each made once before
 * measuring: tokenwise's `SigningKey`, `node:crypto` `KeyObject`s (the floor, `jsonwebtoken`), a
 * `CryptoKey` (`jose`) and PEM or raw bytes (`fast-jwt`).
 */
import { createSecretKey, KeyObject } from "node:crypto";
import type { SigningKey } from "tokenwise";
import type { BareKeys, BenchAlgorithm } from "./bare-jws.js";

/** The forms of one key. */
export interface PeerKeys extends BareKeys {
  signingKey: SigningKey;
  /** For `jose`: imported once, as its users do. */
  cryptoKey: CryptoKey;
  /** For `fast-jwt`: the secret's bytes, or the public key's SPKI PEM. */
  bytesOrPem: Buffer | string;
}

/**
 * Converts a key from `generateSigningKey` (extractable `CryptoKey`s, or an HMAC secret's bytes).
 *
 * @param alg - the key's algorithm
 * @param signingKey - the key tokenwise signs with
 */
export async function peerKeys(alg: BenchAlgorithm, signingKey: SigningKey): Promise<PeerKeys> {
  if ("secret" in signingKey) {
    const secret = Buffer.from(signingKey.secret as Uint8Array);
    const key = createSecretKey(secret);
    const cryptoKey = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    return { alg, signingKey, verifyKey: key, signKey: key, cryptoKey, bytesOrPem: secret };
  }
  const publicKey = signingKey.publicKey as CryptoKey;
  const verifyKey = KeyObject.from(publicKey);
  const signKey = KeyObject.from(signingKey.privateKey as CryptoKey);
  return { alg, signingKey, verifyKey, signKey, cryptoKey: publicKey, bytesOrPem: verifyKey.export({ type: "spki", format: "pem" }) as string };
}
