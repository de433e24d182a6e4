/**
 * The checks `jose.jwtVerify` makes with tokenwise's strict options, written out in jose's order
 * for the native backend, which parses tokens itself. The order matters: a token with several
 * faults must fail on the same one, with the same message and claim, on every backend.
 * Runtime-agnostic; the differential suite holds it to jose. Internal.
 */
import type { JsonObject } from "../../store.js";
import type { JwtFailure, VerifyContext } from "../_jwt.js";
import { MALFORMED } from "../_key-source.js";

/** Claims every token must carry, as passed to jose's `requiredClaims` (`iss` and `aud` are implied by the options). */
export const REQUIRED_CLAIMS: readonly string[] = ["iat", "exp", "sub", "jti", "sid"];

/** The order jose checks presence in: `requiredClaims`, then `aud`, then `iss`, reversed. */
const PRESENCE_ORDER: readonly string[] = [...REQUIRED_CLAIMS, "aud", "iss"].reverse();

/** What the header checks leave for key selection and the signature. */
export interface CheckedHeader {
  header: JsonObject;
  alg: string;
  /** `false` for an unencoded payload (RFC 7797), which no JWT may use: refused once the signature is checked. */
  b64: boolean;
}

/** The `code` of a thrown value, if it has one. */
export function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** A plain JSON object, as jose's `isObject` has it: not an array, not a class instance. */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Object.prototype.toString.call(value) !== "[object Object]") return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/**
 * The protected header's own checks (RFC 7515 §4.1.11 `crit`, RFC 7797 `b64`, `alg`), before any
 * key is selected: only `b64` is a recognised extension.
 */
export function checkHeader(header: unknown, algorithms: readonly string[]): CheckedHeader | JwtFailure {
  if (!isJsonObject(header)) return malformed();
  const { crit, alg } = header;
  let b64 = true;
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => typeof name !== "string" || name.length === 0)) return malformed();
    for (const name of crit) {
      if (name !== "b64" || !Object.hasOwn(header, name)) return malformed();
    }
    if (typeof header.b64 !== "boolean") return malformed();
    b64 = header.b64;
  }
  if (typeof alg !== "string" || alg.length === 0) return malformed();
  if (!algorithms.includes(alg)) return { reason: "invalid", message: "algorithm not allowed", claim: "alg" };
  return { header, alg, b64 };
}

/**
 * The claim checks of a verified token, in jose's order: `typ`, presence of the required claims,
 * `iss`, `aud`, then `iat`, `nbf` and `exp` as numbers, `nbf` and `exp` against the clock.
 *
 * @returns `undefined` when every check passes
 */
export function checkClaims(header: JsonObject, payload: JsonObject, context: VerifyContext, typ: string, nowSeconds: number): JwtFailure | undefined {
  if (typeof header.typ !== "string" || normalizeTyp(header.typ) !== normalizeTyp(typ)) return claimFailed("typ");
  for (const claim of PRESENCE_ORDER) {
    if (!Object.hasOwn(payload, claim)) return claimFailed(claim);
  }
  if (payload.iss !== context.issuer) return claimFailed("iss");
  const aud = payload.aud;
  if (!(aud === context.audience || (Array.isArray(aud) && aud.includes(context.audience)))) return claimFailed("aud");
  const tolerance = context.clockToleranceSeconds;
  if (typeof payload.iat !== "number") return claimFailed("iat");
  const nbf = payload.nbf;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > nowSeconds + tolerance)) return claimFailed("nbf");
  const exp = payload.exp;
  if (typeof exp !== "number") return claimFailed("exp");
  if (exp <= nowSeconds - tolerance) return { reason: "expired", cause: undefined };
  return undefined;
}

/** A media type as RFC 7515 §4.1.9 compares it: case-insensitive, `application/` implied. */
function normalizeTyp(value: string): string {
  const normalized = value.toLowerCase();
  return value.includes("/") ? normalized : `application/${normalized}`;
}

function claimFailed(claim: string): JwtFailure {
  return { reason: "invalid", message: `claim ${JSON.stringify(claim)} check failed`, claim };
}

/** The failure of every token no more precise check explains. */
export function malformed(cause?: unknown): JwtFailure {
  return { reason: "invalid", message: MALFORMED, cause };
}
