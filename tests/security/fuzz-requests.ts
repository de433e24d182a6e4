/**
 * How a presented token travels in HTTP: `Authorization` headers, refresh-request bodies and
 * cookies, with the noise real clients and attackers add. Building a carrier throws when the
 * runtime itself refuses the value (a line break or a non-Latin-1 character in a header): such
 * an input never reaches tokenwise.
 */
import fc from "fast-check";
import type { AuthorizationSource, RefreshTokenSource } from "tokenwise/http";
import { garbageString, occasionally } from "./fuzz-arbitraries.js";

const REFRESH_URL = "https://auth.example.test/auth/refresh";
export const REFRESH_COOKIE = "__Secure-refresh_token";

/** `credentials = "Bearer" 1*SP b64token` (RFC 6750 §2.1): the oracle for what a Bearer parser may return. */
const BEARER_CREDENTIALS = /^bearer( +)([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Checks a value returned by `parseBearerToken(header)`: a b64token that appears verbatim at
 * the end of the header, after the case-insensitive scheme and one or more spaces.
 */
export function checkBearerResult(header: string | null, result: unknown): void {
  const match = header === null ? null : BEARER_CREDENTIALS.exec(header);
  if (typeof result !== "string" || match === null || match[2] !== result) {
    throw new Error(`parseBearerToken(${JSON.stringify(header)}) returned ${fc.stringify(result)}, which is not the credential after "Bearer "`);
  }
}

/** The credential a strict parser finds in `header`, or `undefined` when there is none. */
export function bearerCredentialOf(header: string | null): string | undefined {
  return (header === null ? null : BEARER_CREDENTIALS.exec(header))?.[2];
}

/** How an `Authorization` header is spelled and handed over. */
export interface AuthorizationVariant {
  scheme: string;
  separator: string;
  via: "request" | "headers" | "string";
  /** A second `Authorization` header, which `Headers` joins to the first with ", ". */
  second: string | null;
}

export const PLAIN_AUTHORIZATION: AuthorizationVariant = { scheme: "Bearer", separator: " ", via: "request", second: null };

export const authorizationVariant: fc.Arbitrary<AuthorizationVariant> = fc.record({
  scheme: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("Bearer", "bearer", "BEARER") },
    { weight: 1, arbitrary: fc.constantFrom("Bearer:", "Basic", "Token", "", "Bearer,", "Bearerx", "DPoP") },
  ),
  separator: fc.oneof({ weight: 6, arbitrary: fc.constant(" ") }, { weight: 1, arbitrary: fc.constantFrom("  ", "\t", "", " \t", ",", "\u00a0") }),
  via: fc.constantFrom("request" as const, "headers" as const, "string" as const),
  second: occasionally(fc.oneof(fc.constant("Bearer other"), garbageString), 8),
});

/** An `Authorization` source, and the header value tokenwise will read from it. */
export function authorizationSource(token: string, variant: AuthorizationVariant): { source: AuthorizationSource; header: string | null } {
  const value = `${variant.scheme}${variant.separator}${token}`;
  if (variant.via === "string") return { source: value, header: value };
  const headers = new Headers({ authorization: value });
  if (variant.second !== null) headers.append("authorization", variant.second);
  const source = variant.via === "headers" ? headers : new Request(REFRESH_URL, { headers });
  return { source, header: headers.get("authorization") };
}

/** A cookie header: the refresh cookie among others, some named almost like it. */
export interface CookieVariant {
  before: [string, string][];
  after: [string, string][];
  separator: string;
  via: "request" | "headers";
}

export const PLAIN_COOKIES: CookieVariant = { before: [], after: [], separator: "; ", via: "request" };

const cookiePair = fc.tuple(
  fc.oneof(fc.constantFrom(REFRESH_COOKIE, ` ${REFRESH_COOKIE}`, REFRESH_COOKIE.toLowerCase(), "__Host-refresh_token", "sid", ""), fc.string({ maxLength: 12 })),
  fc.oneof(fc.string({ maxLength: 20 }), garbageString),
);

export const cookieVariant: fc.Arbitrary<CookieVariant> = fc.record({
  before: fc.array(cookiePair, { maxLength: 3 }),
  after: fc.array(cookiePair, { maxLength: 3 }),
  separator: fc.oneof({ weight: 4, arbitrary: fc.constant("; ") }, { weight: 1, arbitrary: fc.constantFrom(";", " ; ", ",", ";;", "\t;") }),
  via: fc.constantFrom("request" as const, "headers" as const),
});

/** A request or headers whose `Cookie` carries `value` as the refresh cookie, and that header as sent. */
export function cookieSource(value: string, variant: CookieVariant): { source: Request | Headers; header: string } {
  const pairs = [...variant.before, [REFRESH_COOKIE, value], ...variant.after];
  const headers = new Headers({ cookie: pairs.map(([name, text]) => `${name}=${text}`).join(variant.separator) });
  return { source: variant.via === "headers" ? headers : new Request(REFRESH_URL, { headers }), header: headers.get("cookie") ?? "" };
}

/** Whether the refresh cookie holds exactly `value`, with nothing that could shadow it. */
export function isPlainCookie(value: string, variant: CookieVariant): boolean {
  const shadows = [...variant.before, ...variant.after].some(([name]) => name.trim() === REFRESH_COOKIE);
  return !shadows && value === value.trim() && !/[;]/.test(value) && (variant.separator === "; " || variant.separator === ";");
}

/** A refresh request: where the token is, what else the request carries, how the body arrives. */
export interface RefreshRequestVariant {
  placement: "json" | "form" | "cookie" | "authorization" | "nowhere";
  from: RefreshTokenSource[] | null;
  contentType: string | null;
  /** Replaces the JSON `refresh_token` with a value that is not the token. */
  jsonValue: { value: unknown } | null;
  grantType: string | null;
  /** The body when the token is not in it. */
  otherBody: string | null;
  cookies: [string, string][];
  declaredLength: number | null;
  transport: "string" | "stream" | "failing-stream";
  maxBodyBytes: number | null;
}

export const PLAIN_REFRESH_REQUEST: RefreshRequestVariant = {
  placement: "json",
  from: null,
  contentType: "application/json",
  jsonValue: null,
  grantType: null,
  otherBody: null,
  cookies: [],
  declaredLength: null,
  transport: "string",
  maxBodyBytes: null,
};

const sources = fc.constantFrom<RefreshTokenSource>("body", "cookie", "authorization");

export const refreshRequestVariant: fc.Arbitrary<RefreshRequestVariant> = fc.record({
  placement: fc.constantFrom("json" as const, "form" as const, "cookie" as const, "authorization" as const, "nowhere" as const),
  from: occasionally(fc.uniqueArray(sources, { maxLength: 3 }), 2),
  contentType: fc.option(
    fc.oneof(
      fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded;charset=UTF-8", "text/plain", "", "multipart/form-data; boundary=x", ";"),
      fc.string({ maxLength: 30 }),
    ),
    { freq: 5 },
  ),
  jsonValue: occasionally(fc.jsonValue({ maxDepth: 2 }).map((value) => ({ value })), 6),
  grantType: occasionally(fc.oneof(fc.constantFrom("refresh_token", "password", "REFRESH_TOKEN", ""), fc.string({ maxLength: 12 })), 3),
  otherBody: occasionally(fc.oneof(garbageString, fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value))), 2),
  cookies: fc.array(cookiePair, { maxLength: 3 }),
  declaredLength: occasionally(fc.nat({ max: 40_000 }), 6),
  transport: fc.constantFrom("string" as const, "stream" as const, "failing-stream" as const),
  maxBodyBytes: occasionally(fc.nat({ max: 200 }), 4),
});

/** A refresh request carrying `token` as the variant says, and every text a token may be read from. */
export function refreshRequest(token: string, variant: RefreshRequestVariant): { request: Request; texts: string[] } {
  const headers = new Headers();
  if (variant.contentType !== null) headers.set("content-type", variant.contentType);
  const cookies = variant.placement === "cookie" ? [...variant.cookies, [REFRESH_COOKIE, token]] : variant.cookies;
  if (cookies.length > 0) headers.set("cookie", cookies.map(([name, value]) => `${name}=${value}`).join("; "));
  if (variant.placement === "authorization") headers.set("authorization", `Bearer ${token}`);
  if (variant.declaredLength !== null) headers.set("content-length", String(variant.declaredLength));
  const body = refreshBody(token, variant);
  const request = new Request(REFRESH_URL, { method: "POST", headers, ...(body === null ? {} : { body: transported(body, variant.transport), duplex: "half" }) });
  return { request, texts: [headers.get("cookie") ?? "", headers.get("authorization") ?? "", ...readableTexts(body ?? "")] };
}

function refreshBody(token: string, variant: RefreshRequestVariant): string | null {
  if (variant.placement === "json") return JSON.stringify({ refresh_token: variant.jsonValue ? variant.jsonValue.value : token });
  if (variant.placement !== "form") return variant.otherBody;
  const form = new URLSearchParams(variant.grantType === null ? {} : { grant_type: variant.grantType });
  form.set("refresh_token", token);
  return form.toString();
}

/** The body as a string, a stream, or a stream the client aborts after its first chunk. */
function transported(body: string, transport: RefreshRequestVariant["transport"]): BodyInit {
  if (transport === "string") return body;
  const bytes = new TextEncoder().encode(body);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, Math.ceil(bytes.length / 2)));
      if (transport === "failing-stream") controller.error(new Error("connection reset by peer"));
      else {
        controller.enqueue(bytes.subarray(Math.ceil(bytes.length / 2)));
        controller.close();
      }
    },
  });
}

/** The body text, its form values and its JSON `refresh_token`: where a returned token may come from. */
function readableTexts(body: string): string[] {
  const texts = [body, ...new URLSearchParams(body).values()];
  try {
    const parsed: unknown = JSON.parse(body);
    const field = (parsed as { refresh_token?: unknown } | null)?.refresh_token;
    if (typeof field === "string") texts.push(field);
  } catch {
    // not JSON: the form and raw readings are all there is
  }
  return texts;
}

/** Whether the variant sends the token in a JSON body that is read first and in full. */
export function isPlainRefreshRequest(variant: RefreshRequestVariant): boolean {
  return (
    variant.placement === "json" &&
    variant.jsonValue === null &&
    (variant.from === null || variant.from[0] === "body") &&
    // Without a content type, a string body is sent as text/plain.
    variant.contentType !== null &&
    /^application\/json(;|$)/i.test(variant.contentType) &&
    variant.transport !== "failing-stream" &&
    variant.declaredLength === null &&
    variant.maxBodyBytes === null
  );
}
