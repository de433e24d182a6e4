/// <reference types="node" />
/**
 * The `node:crypto` backend, chosen by the `node` export condition (Node, Bun, Deno): it parses
 * the compact JWS itself and verifies with `KeyObject`s made once per key, skipping Web Crypto's
 * hop to a thread pool that costs more than an HMAC. Every check is jose's (`_jose-rules`), in
 * jose's order; the differential suite holds the two backends to the same answers. Each key is
 * checked first as jose checks it (type, algorithm, curve, usages, RSA modulus), so that a key
 * jose would refuse is refused here too. The only module of the library that imports `node:`.
 * Internal.
 */
import {
  constants,
  createHash,
  createHmac,
  createPublicKey,
  createSecretKey,
  KeyObject,
  sign,
  timingSafeEqual,
  verify,
  type JsonWebKey as NodeJsonWebKey,
  type VerifyKeyObjectInput,
} from "node:crypto";
// Read as a namespace member: a named import of an export a runtime lacks would fail to link.
import * as nodeCrypto from "node:crypto";
import type { JsonObject } from "../../store.js";
import type { WebCryptoKey } from "../../signing-keys.js";
import { RSA_MIN_BITS } from "../_algorithms.js";
import type { VerifyContext } from "../_jwt.js";
import { materialOf } from "../_key-material.js";
import { keyFailure, keyForHeader } from "../_key-source.js";
import type { CryptoBackend, JwsHeader, JwsVerification } from "./_backend.js";
import { checkClaims, checkHeader, isJsonObject, malformed, type CheckedHeader } from "./_jose-rules.js";

/** How an algorithm signs with `node:crypto` (RFC 7518 §3, RFC 8037 §3.1), and the Web Crypto key it needs. */
interface Signature {
  /** The HMAC hash, for HS*; absent where a key pair signs. */
  hmac?: string;
  /** The digest `sign`/`verify` take; `null` for Ed25519, which hashes internally. */
  hash: string | null;
  /** ECDSA signatures are R‖S (RFC 7518 §3.4); PSS salts are the hash length (§3.5). */
  options: Omit<VerifyKeyObjectInput, "key">;
  /** The Web Crypto algorithm the key must have, as jose requires it. */
  webCrypto: { name: string; hash?: string; namedCurve?: string };
  /** How Web Crypto signs, for a private key Node cannot turn into a `KeyObject`. */
  webSigning: { name: string; hash?: string; saltLength?: number };
}

const hmac = (bits: number): Signature => ({
  hmac: `sha${bits}`,
  hash: null,
  options: {},
  webCrypto: { name: "HMAC", hash: `SHA-${bits}` },
  webSigning: { name: "HMAC" },
});
const ecdsa = (bits: number, curve: string): Signature => ({
  hash: `sha${bits}`,
  options: { dsaEncoding: "ieee-p1363" },
  webCrypto: { name: "ECDSA", namedCurve: curve },
  webSigning: { name: "ECDSA", hash: `SHA-${bits}` },
});

const SIGNATURES: Readonly<Record<string, Signature>> = {
  HS256: hmac(256),
  HS384: hmac(384),
  HS512: hmac(512),
  ES256: ecdsa(256, "P-256"),
  ES384: ecdsa(384, "P-384"),
  EdDSA: { hash: null, options: {}, webCrypto: { name: "Ed25519" }, webSigning: { name: "Ed25519" } },
  RS256: { hash: "sha256", options: {}, webCrypto: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, webSigning: { name: "RSASSA-PKCS1-v1_5" } },
  PS256: {
    hash: "sha256",
    options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    webCrypto: { name: "RSA-PSS", hash: "SHA-256" },
    webSigning: { name: "RSA-PSS", saltLength: 32 },
  },
};

/** A key ready for one algorithm. */
interface NativeKey {
  alg: string;
  signature: Signature;
  /**
   * What `sign`/`verify` take: the `KeyObject` with the algorithm's options; `null` for a private
   * `CryptoKey` the app made non-extractable, which then signs through Web Crypto.
   */
  input: (VerifyKeyObjectInput & { key: KeyObject }) | null;
  /** The operations the key was checked for. */
  usages: Set<"sign" | "verify">;
}

const nativeKeys = new WeakMap<WebCryptoKey, NativeKey>();

/**
 * The native form of `key` for `alg`, made and checked on first use for each operation.
 *
 * @throws {TypeError} for a key jose would refuse for this algorithm and operation
 */
function nativeKey(key: WebCryptoKey, alg: string, usage: "sign" | "verify"): NativeKey {
  const prepared = nativeKeys.get(key);
  if (prepared?.alg === alg && prepared.usages.has(usage)) return prepared;
  const signature = SIGNATURES[alg];
  if (!signature) throw new TypeError(`alg ${alg} is not supported`);
  checkKey(key as CryptoKey, alg, signature, usage);
  if (prepared?.alg === alg) {
    prepared.usages.add(usage);
    return prepared;
  }
  const keyObject = keyObjectOf(key as CryptoKey, usage);
  const created: NativeKey = { alg, signature, input: keyObject && { key: keyObject, ...signature.options }, usages: new Set([usage]) };
  nativeKeys.set(key, created);
  return created;
}

/**
 * The `KeyObject` of a key: made from the JWK or secret it was imported from (Node deprecates
 * `KeyObject.from` of a non-extractable `CryptoKey`, DEP0204), else from the key when it is
 * extractable; `null` for a non-extractable private key of the app's, signed with through Web Crypto.
 */
function keyObjectOf(key: CryptoKey, usage: "sign" | "verify"): KeyObject | null {
  const jwk = materialOf(key);
  if (jwk?.kty === "oct") return createSecretKey(Buffer.from(jwk.k as string, "base64url"));
  if (jwk) return createPublicKey({ key: jwk as NodeJsonWebKey, format: "jwk" });
  if (key.extractable) return KeyObject.from(key);
  if (usage === "sign") return null;
  throw new TypeError("a verification key tokenwise did not import cannot be used natively");
}

/** jose's `prepareKey` and `checkCryptoKey` for a `CryptoKey`, with its messages. */
function checkKey(key: CryptoKey, alg: string, { hmac: secret, webCrypto: expected }: Signature, usage: "sign" | "verify"): void {
  const type = secret ? "secret" : usage === "sign" ? "private" : "public";
  if (key.type !== type) throw new TypeError(`CryptoKey instances must be of type "${type}" for the ${alg} algorithm`);
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string; modulusLength?: number };
  const unusable = (value: string, property: string) => new TypeError(`CryptoKey does not support this operation, its ${property} must be ${value}`);
  if (algorithm.name !== expected.name) throw unusable(expected.name, "algorithm.name");
  if (expected.hash && algorithm.hash?.name !== expected.hash) throw unusable(expected.hash, "algorithm.hash");
  if (expected.namedCurve && algorithm.namedCurve !== expected.namedCurve) throw unusable(expected.namedCurve, "algorithm.namedCurve");
  if (!key.usages.includes(usage)) throw new TypeError(`CryptoKey does not support this operation, its usages must include ${usage}.`);
  if (expected.name.startsWith("RS") && !((algorithm.modulusLength ?? 0) >= RSA_MIN_BITS)) {
    throw new TypeError(`${alg} requires key modulusLength to be ${RSA_MIN_BITS} bits or larger`);
  }
}

/** Verification keys always have a `KeyObject`: `keyObjectOf` throws rather than return none for them. */
type VerifyingKey = NativeKey & { input: NonNullable<NativeKey["input"]> };

function verifySignature({ signature: algorithm, input }: VerifyingKey, signingInput: string, signature: Buffer): boolean {
  const { hmac, hash } = algorithm;
  if (hmac) {
    const expected = createHmac(hmac, input.key).update(signingInput).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  try {
    return verify(hash, Buffer.from(signingInput, "latin1"), input, signature);
  } catch {
    // A signature of the wrong size for the key: as jose reports any Web Crypto failure.
    return false;
  }
}

/** Strict UTF-8, as jose decodes: malformed bytes fail instead of becoming U+FFFD (a leading BOM is dropped, as there). */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A base64url segment as JSON, or `undefined` when its bytes are not UTF-8 or not JSON. */
function parseSegment(token: string, start: number, end: number): unknown {
  try {
    return JSON.parse(strictUtf8.decode(Buffer.from(token.slice(start, end), "base64url")));
  } catch {
    return undefined;
  }
}

/**
 * Parsed headers by their encoded segment: every token of one key shares one, so it is parsed
 * once. Headers are only read, never changed; the map is emptied when full, so tokens with
 * made-up headers cost no more than a parse each.
 */
const parsedHeaders = new Map<string, unknown>();
const MAX_PARSED_HEADERS = 64;

function parseHeader(token: string, end: number): unknown {
  const segment = token.slice(0, end);
  let header = parsedHeaders.get(segment);
  if (header === undefined && !parsedHeaders.has(segment)) {
    if (parsedHeaders.size >= MAX_PARSED_HEADERS) parsedHeaders.clear();
    header = parseSegment(token, 0, end);
    parsedHeaders.set(segment, header);
  }
  return header;
}

function verifyJws(context: VerifyContext, token: string, typ: string, now: Date): JwsVerification | Promise<JwsVerification> {
  const headerEnd = token.indexOf(".");
  const checked = checkHeader(parseHeader(token, headerEnd), context.keys.algorithms);
  if ("reason" in checked) return { failure: checked };
  let key;
  try {
    key = keyForHeader(context.keys, checked.header.kid, checked.alg);
  } catch (error) {
    return { failure: keyFailure(error) };
  }
  if (key instanceof Promise) {
    return key.then(
      (resolved) => verifyWithKey(context, token, typ, now, checked, headerEnd, resolved),
      (error: unknown) => ({ failure: keyFailure(error) }),
    );
  }
  return verifyWithKey(context, token, typ, now, checked, headerEnd, key);
}

function verifyWithKey(
  context: VerifyContext,
  token: string,
  typ: string,
  now: Date,
  { header, alg, b64 }: CheckedHeader,
  headerEnd: number,
  key: WebCryptoKey,
): JwsVerification {
  const payloadEnd = token.indexOf(".", headerEnd + 1);
  let prepared;
  try {
    prepared = nativeKey(key, alg, "verify") as VerifyingKey;
  } catch (error) {
    return { failure: malformed(error) };
  }
  const signature = Buffer.from(token.slice(payloadEnd + 1), "base64url");
  if (!verifySignature(prepared, token.slice(0, payloadEnd), signature)) return { failure: { reason: "invalid", message: "signature verification failed" } };
  if (!b64) return { failure: malformed() };
  const payload = parseSegment(token, headerEnd + 1, payloadEnd);
  if (!isJsonObject(payload)) return { failure: malformed() };
  const failure = checkClaims(header, payload, context, typ, Math.floor(now.getTime() / 1000));
  return failure ? { failure } : { payload };
}

/**
 * `crypto.hash` (Node 20.12+) hashes in one call, two to three times as fast as `createHash` for
 * a 43-character token; runtimes whose `node:crypto` lacks it use `createHash`.
 */
type OneShotHash = (algorithm: string, data: string, encoding: "hex" | "buffer") => string | Buffer;
const oneShotHash = (nodeCrypto as { hash?: OneShotHash }).hash;
const sha256Hex: (text: string) => string = oneShotHash
  ? (text) => oneShotHash("sha256", text, "hex") as string
  : (text) => createHash("sha256").update(text).digest("hex");
const sha256: (text: string) => Uint8Array = oneShotHash
  ? (text) => oneShotHash("sha256", text, "buffer") as Buffer
  : (text) => createHash("sha256").update(text).digest();

const base64UrlJson = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The encoded header of each key and `typ`: the same bytes for every token it signs. */
const encodedHeaders = new WeakMap<WebCryptoKey, Map<string, string>>();

function encodedHeader(key: WebCryptoKey, header: JwsHeader): string {
  let byType = encodedHeaders.get(key);
  if (!byType) encodedHeaders.set(key, (byType = new Map()));
  // alg and typ never hold a ".", so the kid may hold anything.
  const id = `${header.alg}.${header.typ}.${header.kid}`;
  let encoded = byType.get(id);
  if (encoded === undefined) byType.set(id, (encoded = base64UrlJson(header)));
  return encoded;
}

function signJws(key: WebCryptoKey, header: JwsHeader, payload: JsonObject): string | Promise<string> {
  const { signature, input } = nativeKey(key, header.alg, "sign");
  const signingInput = `${encodedHeader(key, header)}.${base64UrlJson(payload)}`;
  const signed = (bytes: Uint8Array) => `${signingInput}.${Buffer.from(bytes).toString("base64url")}`;
  if (!input) return crypto.subtle.sign(signature.webSigning, key as CryptoKey, Buffer.from(signingInput, "latin1")).then((bytes) => signed(new Uint8Array(bytes)));
  return signed(
    signature.hmac ? createHmac(signature.hmac, input.key).update(signingInput).digest() : sign(signature.hash, Buffer.from(signingInput, "latin1"), input),
  );
}

/** `node:crypto`, with `KeyObject`s made once per key. */
export const cryptoBackend: CryptoBackend = {
  name: "node:crypto",
  verifyJws,
  signJws,
  sha256Hex,
  sha256,
  // A string key costs Node twice the time of the same bytes in a Buffer.
  hmacSha256: (key, message) => createHmac("sha256", Buffer.from(key, "utf8")).update(message).digest(),
};
