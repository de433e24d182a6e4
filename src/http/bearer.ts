/**
 * Reading the access token of a request (RFC 6750 §2.1).
 *
 * @module
 */
import { InvalidRequestError, MissingTokenError } from "../errors.js";

/** `credentials = "Bearer" 1*SP b64token`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const OTHER_SCHEME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?: |$)/;

/** Where an `Authorization` header can come from. */
export type AuthorizationSource = Request | Headers | string | null | undefined;

/**
 * Extracts the token from `Authorization: Bearer <token>`, strictly: exactly the RFC 6750 §2.1
 * grammar, one header value, no trailing characters.
 *
 * @param source - a `Request`, its `Headers`, or the header value itself
 * @returns the token
 * @throws {MissingTokenError} `missing_token` (401) when there is no header or it uses another scheme
 * @throws {InvalidRequestError} `invalid_request` (400) when a Bearer header is malformed or repeated
 *
 * @example
 * ```ts
 * import { parseBearerToken } from "tokenwise/http";
 *
 * const token = parseBearerToken(request); // "eyJ…"
 * ```
 */
export function parseBearerToken(source: AuthorizationSource): string {
  const header = typeof source === "string" || source == null ? source : "headers" in source ? source.headers.get("authorization") : source.get("authorization");
  if (header == null || header === "") throw new MissingTokenError();
  const match = BEARER.exec(header);
  if (match) return match[1] as string;
  if (/^bearer(?: |$)/i.test(header)) {
    throw new InvalidRequestError("The Authorization header is not a well-formed Bearer credential (RFC 6750 §2.1)");
  }
  if (OTHER_SCHEME.test(header)) throw new MissingTokenError("No Bearer access token was presented");
  throw new InvalidRequestError("The Authorization header is malformed");
}
