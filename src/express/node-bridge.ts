/**
 * Node's `IncomingMessage`/`ServerResponse` (and Express's, which extend them) to Web `Request`/
 * `Response` and back. Typed structurally, so the declarations need neither `@types/node` nor
 * `@types/express`, and Express 4, Express 5 and bare `node:http` objects all fit.
 *
 * @module
 */
import { utf8 } from "../lib/_bytes.js";

/** The parts of a Node request (`http.IncomingMessage`, Express's `req`) the bridge reads. */
export interface NodeRequest extends AsyncIterable<Uint8Array | string> {
  /** `"GET"`, `"POST"`, … */
  method?: string | undefined;
  /** Path and query. */
  url?: string | undefined;
  /** Header names and values as received, alternating. */
  rawHeaders: string[];
  /** The connection: a `TLSSocket` (`encrypted: true`) or a plain socket. */
  socket: object | null;
  /** Whether the body has been read to its end, e.g. by a body parser. */
  readableEnded: boolean;
  /** A body a parser already read (`express.json()`, `express.urlencoded()`). */
  body?: unknown;
}

/** The parts of a Node response (`http.ServerResponse`, Express's `res`) the bridge writes. */
export interface NodeResponse {
  /** The status to send. */
  statusCode: number;
  /** Sets one header; an array sends it several times (`Set-Cookie`). */
  setHeader(name: string, value: string | string[]): unknown;
  /** Writes part of the body; `false` asks the writer to wait for `"drain"`. */
  write(chunk: Uint8Array): boolean;
  /** Ends the response. */
  end(): unknown;
  /** Listens once for `"drain"` (ready for more) or `"close"` (finished or aborted). */
  once(event: "drain" | "close", listener: () => void): unknown;
  /** Whether the response has ended or its connection is gone. */
  writableEnded: boolean;
}

/** A handler on Web-standard objects, as `tokenwise/http` and Hono apps write them. */
export type WebHandler = (request: Request) => Response | Promise<Response>;

/**
 * The Web `Request` of a Node request. The body streams from the request, and only once the Web
 * request's body is read (so authenticating by headers leaves it to later body parsers); if a
 * body parser already read it, the parsed JSON or form body is written out again.
 *
 * @param req - a `node:http` or Express request
 * @param parsedBody - the body a parser made of it, if any (Fastify's `request.body`)
 * @returns the same request as a Web `Request`
 *
 * @example
 * ```ts
 * import { toWebRequest } from "tokenwise/express";
 *
 * const refreshToken = await readRefreshToken(toWebRequest(req));
 * ```
 */
export function toWebRequest(req: NodeRequest, parsedBody: unknown = req.body): Request {
  const method = req.method ?? "GET";
  const headers = headersOf(req);
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (method !== "GET" && method !== "HEAD") {
    if (parsedBody !== undefined && req.readableEnded) init.body = reserialized(parsedBody, headers);
    else if (!req.readableEnded) Object.assign(init, { body: streamOf(req), duplex: "half" });
  }
  return new Request(urlOf(req, headers), init);
}

/**
 * Sends a Web `Response` through a Node response: status, every header (each `Set-Cookie`
 * separately) and the body, streamed with back-pressure; stops reading it if the client goes.
 *
 * @param res - a `node:http` or Express response
 * @param response - what to send
 * @returns when the body is written
 *
 * @example
 * ```ts
 * import { sendWebResponse } from "tokenwise/express";
 *
 * await sendWebResponse(res, auth.login(await tokens.issue({ subject: user.id })));
 * ```
 */
export async function sendWebResponse(res: NodeResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const reader = response.body?.getReader();
  if (reader) {
    let gone = false;
    res.once("close", () => {
      gone = true;
      reader.cancel().catch(() => undefined);
    });
    for (let chunk = await reader.read(); !chunk.done && !gone; chunk = await reader.read()) {
      if (!res.write(chunk.value)) await new Promise<void>((resolve) => res.once("drain", resolve));
    }
  }
  if (!res.writableEnded) res.end();
}

/**
 * Serves a Web-standard handler with `node:http`: `http.createServer(toNodeHandler(handle))`.
 * A handler that throws answers a bare 500.
 *
 * @param handler - the handler
 * @returns a `(req, res)` listener for `http.createServer` (or an Express route)
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { toNodeHandler } from "tokenwise/express";
 *
 * createServer(toNodeHandler(handle)).listen(3000);
 * ```
 */
export function toNodeHandler(handler: WebHandler): (req: NodeRequest, res: NodeResponse) => Promise<void> {
  return async (req, res) => {
    let response: Response;
    try {
      response = await handler(toWebRequest(req));
    } catch {
      response = new Response(null, { status: 500 });
    }
    await sendWebResponse(res, response).catch(() => undefined);
  };
}

function urlOf(req: NodeRequest, headers: Headers): string {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const base = `${encrypted ? "https" : "http"}://${headers.get("host") ?? "localhost"}`;
  try {
    return new URL(req.url ?? "/", base).href;
  } catch {
    return new URL(req.url ?? "/", "http://localhost").href; // a Host header that is no host
  }
}

/**
 * A Node request's headers as Web `Headers`, from `rawHeaders`: a repeated header keeps every
 * copy (Node's `req.headers` drops repeated `Authorization`, which `parseBearerToken` must refuse).
 *
 * @param req - the Node request
 * @returns its headers
 */
export function headersOf(req: NodeRequest): Headers {
  const headers = new Headers();
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    const name = req.rawHeaders[index] as string;
    if (!name.startsWith(":")) headers.append(name, req.rawHeaders[index + 1] as string); // HTTP/2 pseudo-headers are not headers
  }
  return headers;
}

/** A body a parser turned into a value, as the bytes the client sent (as far as they matter). */
function reserialized(body: unknown, headers: Headers): string {
  const type = headers.get("content-type") ?? "";
  if (typeof body === "string") return body;
  if (/^application\/x-www-form-urlencoded/i.test(type)) return new URLSearchParams(body as Record<string, string>).toString();
  return JSON.stringify(body);
}

/** The body as a stream that reads nothing until it is read (high-water mark 0). */
function streamOf(body: AsyncIterable<Uint8Array | string>): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Uint8Array | string> | undefined;
  return new ReadableStream(
    {
      async pull(controller) {
        iterator ??= body[Symbol.asyncIterator]();
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === "string" ? utf8(value) : value);
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
