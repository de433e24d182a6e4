/**
 * The Web Crypto backend, for edge runtimes, browsers and anything without the `node` export
 * condition: `jose` verifies and signs, `@noble/hashes` hashes refresh tokens. Its verification
 * is the reference the native backend is proven equal to (tests/security/backend-differential).
 * Internal.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from "jose";
import type { JsonObject } from "../../store.js";
import { toHex, utf8 } from "../_bytes.js";
import type { JwtFailure, VerifyContext } from "../_jwt.js";
import { keyFailure, keyForHeader, MALFORMED, UnknownKeyError } from "../_key-source.js";
import type { CryptoBackend, JwsVerification } from "./_backend.js";
import { errorCode, REQUIRED_CLAIMS } from "./_jose-rules.js";

async function verifyJws(context: VerifyContext, token: string, typ: string, now: Date): Promise<JwsVerification> {
  const keys = context.keys;
  try {
    const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => keyForHeader(keys, header.kid, header.alg) as Promise<CryptoKey>, {
      algorithms: keys.algorithms as string[],
      typ,
      issuer: context.issuer,
      audience: context.audience,
      requiredClaims: REQUIRED_CLAIMS as string[],
      clockTolerance: context.clockToleranceSeconds,
      currentDate: now,
    });
    return { payload: payload as JsonObject };
  } catch (error) {
    return { failure: describeFailure(error) };
  }
}

/** Maps `jose` errors by their stable `code`, never by message. */
function describeFailure(error: unknown): JwtFailure {
  const code = errorCode(error);
  if (error instanceof UnknownKeyError || code === "key_set_unavailable") return keyFailure(error);
  switch (code) {
    case errors.JWTExpired.code:
      return { reason: "expired", cause: error };
    case errors.JWTClaimValidationFailed.code: {
      const claim = (error as errors.JWTClaimValidationFailed).claim;
      return { reason: "invalid", message: `claim ${JSON.stringify(claim)} check failed`, claim, cause: error };
    }
    case errors.JOSEAlgNotAllowed.code:
      return { reason: "invalid", message: "algorithm not allowed", claim: "alg", cause: error };
    case errors.JWSSignatureVerificationFailed.code:
      return { reason: "invalid", message: "signature verification failed", cause: error };
    default:
      return { reason: "invalid", message: MALFORMED, cause: error };
  }
}

/** Web Crypto, `jose` and `@noble/hashes`. */
export const cryptoBackend: CryptoBackend = {
  name: "web-crypto",
  verifyJws,
  signJws: (key, header, payload) => new SignJWT(payload).setProtectedHeader({ ...header }).sign(key as CryptoKey),
  sha256Hex: (text) => toHex(sha256(utf8(text))),
  sha256: (text) => sha256(utf8(text)),
  hmacSha256: (key, message) => hmac(sha256, utf8(key), message),
};
