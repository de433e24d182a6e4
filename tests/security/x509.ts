/**
 * A minimal self-signed X.509 certificate (RFC 5280 §4.1), DER-encoded by hand: node:crypto can
 * read certificates but not write them, and an `x5c` attack should carry a real one.
 */
import { createPublicKey, sign, type KeyObject } from "node:crypto";

/** Signature algorithm of the certificate, by the JWS algorithm of the key (RFC 5758, 8410, 4055). */
const CERTIFICATE_SIGNATURES: Readonly<Record<string, { oid: string; hash: string | null; nullParameters: boolean }>> = {
  ES256: { oid: "1.2.840.10045.4.3.2", hash: "sha256", nullParameters: false },
  EdDSA: { oid: "1.3.101.112", hash: null, nullParameters: false },
  RS256: { oid: "1.2.840.113549.1.1.11", hash: "sha256", nullParameters: true },
};

/**
 * A certificate for `privateKey`'s public key, issued by itself to "CN=attacker".
 *
 * @returns the DER certificate in standard base64, as an `x5c` entry carries it (RFC 7515 §4.1.6)
 */
export function selfSignedCertificate(privateKey: KeyObject, alg: string): string {
  const spec = CERTIFICATE_SIGNATURES[alg];
  if (!spec) throw new Error(`no certificate signature algorithm for ${alg}`);
  const algorithm = sequence(objectId(spec.oid), ...(spec.nullParameters ? [Buffer.from([0x05, 0x00])] : []));
  const name = sequence(tagged(0x31, sequence(objectId("2.5.4.3"), tagged(0x0c, Buffer.from("attacker")))));
  const validity = sequence(tagged(0x17, Buffer.from("250101000000Z")), tagged(0x17, Buffer.from("350101000000Z")));
  const publicKeyInfo = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const version3 = tagged(0xa0, tagged(0x02, Buffer.from([2])));
  const toBeSigned = sequence(version3, tagged(0x02, Buffer.from([1])), algorithm, name, validity, name, publicKeyInfo);
  const signature = sign(spec.hash, toBeSigned, privateKey);
  return sequence(toBeSigned, algorithm, tagged(0x03, Buffer.concat([Buffer.from([0]), signature]))).toString("base64");
}

function tagged(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

function sequence(...contents: Buffer[]): Buffer {
  return tagged(0x30, ...contents);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let high = arc >> 7; high > 0; high >>= 7) base128.unshift((high & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tagged(0x06, Buffer.from(bytes));
}
