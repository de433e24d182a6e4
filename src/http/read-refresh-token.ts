/**
 * Finding the refresh token in a request: JSON body, form body, `Authorization` header or cookie.
 *
 * @module
 */
import { InvalidRequestError, isTokenwiseError } from "../errors.js";
import { parseBearerToken } from "./bearer.js";
import { DEFAULT_REFRESH_COOKIE_NAME, readCookie } from "./cookies.js";

/** Where a refresh token may be. */
export type RefreshTokenSource = "body" | "cookie" | "authorization";

/** Options of {@link readRefreshToken}. */
export interface ReadRefreshTokenOptions {
  /** Where to look, in order. `"body"` reads `refresh_token` from JSON or form bodies. @default ["body", "cookie"] */
  from?: readonly RefreshTokenSource[];
  /** Name of the refresh cookie. @default "__Secure-refresh_token" */
  cookieName?: string;
  /** Largest body read, in bytes; a larger one is `invalid_request`. @default 16384 */
  maxBodyBytes?: number;
}

/**
 * Reads the refresh token of a refresh request, looking in the configured places in order.
 * A body may be JSON (`{ "refresh_token": "…" }`) or a form (`grant_type=refresh_token&refresh_token=…`,
 * RFC 6749 §6); it is read at most once and never past `maxBodyBytes`.
 *
 * @param request - the refresh request
 * @param options - sources, cookie name, body limit
 * @returns the refresh token
 * @throws {InvalidRequestError} `invalid_request` when no source has one, the body is malformed or too large, or `grant_type` is not `refresh_token`
 *
 * @example
 * ```ts
 * import { readRefreshToken } from "tokenwise/http";
 *
 * const refreshToken = await readRefreshToken(request, { from: ["body"] });
 * ```
 */
export async function readRefreshToken(request: Request, options: ReadRefreshTokenOptions = {}): Promise<string> {
  return (await findRefreshToken(request, options)).token;
}

/** A refresh token and where it was found: the answer goes back the same way. Internal. */
export interface FoundRefreshToken {
  /** The refresh token. */
  token: string;
  /** Where it was. */
  source: RefreshTokenSource;
}

/**
 * {@link readRefreshToken}, also telling where the token was. Internal.
 *
 * @param request - the refresh request
 * @param options - sources, cookie name, body limit
 * @returns the token and its source
 * @throws {InvalidRequestError} `invalid_request` as {@link readRefreshToken}
 */
export async function findRefreshToken(request: Request, options: ReadRefreshTokenOptions = {}): Promise<FoundRefreshToken> {
  const sources = options.from ?? ["body", "cookie"];
  for (const source of sources) {
    const token = await readFrom(source, request, options);
    if (token !== null) return { token, source };
  }
  throw new InvalidRequestError(`No refresh token in the request (looked in: ${sources.join(", ")})`);
}

async function readFrom(source: RefreshTokenSource, request: Request, options: ReadRefreshTokenOptions): Promise<string | null> {
  if (source === "cookie") return readCookie(request, options.cookieName ?? DEFAULT_REFRESH_COOKIE_NAME) || null;
  if (source === "authorization") {
    try {
      return parseBearerToken(request);
    } catch (error) {
      if (isTokenwiseError(error) && error.code === "missing_token") return null;
      throw error;
    }
  }
  return readBody(request, options.maxBodyBytes ?? 16_384);
}

async function readBody(request: Request, maxBytes: number): Promise<string | null> {
  if (!request.body || request.bodyUsed) return null;
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const text = await readBoundedText(request, maxBytes);
  if (text.trim() === "") return null;
  if (type === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(text);
    const grantType = form.get("grant_type");
    if (grantType !== null && grantType !== "refresh_token") throw new InvalidRequestError(`Unsupported grant_type ${JSON.stringify(grantType.slice(0, 40))}`);
    return tokenField(form.get("refresh_token"));
  }
  if (type === "application/json" || type === "") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new InvalidRequestError("The request body is not valid JSON", { cause: error });
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new InvalidRequestError("The request body must be a JSON object");
    return tokenField((body as Record<string, unknown>).refresh_token);
  }
  throw new InvalidRequestError(`Unsupported content type ${JSON.stringify(type.slice(0, 60))}`);
}

function tokenField(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length === 0) throw new InvalidRequestError("refresh_token must be a non-empty string");
  return value;
}

/**
 * How much of a refused body is read and thrown away before it is cancelled. Finishing a
 * moderately oversized body keeps the keep-alive connection usable: Node servers close a
 * connection whose request body was left unread, failing whichever request is on it by then.
 */
const DISCARD_LIMIT_BYTES = 1_048_576;

/** Reads the body as UTF-8, refusing to buffer more than `maxBytes`; a refused body is discarded. */
async function readBoundedText(request: Request, maxBytes: number): Promise<string> {
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    discard(reader, declared);
    throw tooLarge(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await read(reader);
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      discard(reader, size);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the rest of a refused body in the background and drops it, up to
 * {@link DISCARD_LIMIT_BYTES}; cancels it past that. The refusal is answered at once, whatever
 * pace the client sends at.
 */
function discard(reader: ReadableStreamDefaultReader<Uint8Array>, seen: number): void {
  const drain = async (): Promise<void> => {
    for (let total = seen; total <= DISCARD_LIMIT_BYTES; ) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
    }
    await reader.cancel();
  };
  // A body that fails or is cancelled meanwhile has nothing left to drain.
  drain().catch(() => undefined);
}

async function read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    throw new InvalidRequestError("The request body could not be read", { cause: error });
  }
}

function tooLarge(maxBytes: number): InvalidRequestError {
  return new InvalidRequestError(`The request body exceeds ${maxBytes} bytes`);
}
