/** A JWKS endpoint on 127.0.0.1 whose answer each test sets, counting the fetches it serves. */
import { jwksResponse } from "tokenwise/http";
import type { JsonWebKeySet, TokenManager } from "tokenwise";
import { serve, type RunningServer } from "../support/serve.js";

export const JWKS_PATH = "/.well-known/jwks.json";

export interface JwksEndpoint {
  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  /** The JWKS URL. */
  url: string;
  /** How many times the JWKS was fetched. */
  fetches(): number;
  /** Sets what the endpoint answers from now on. */
  answer(handler: (request: Request) => Response | Promise<Response>): void;
  /** Answers nothing until the endpoint closes. */
  hang(): void;
  /** Answers with a manager's `jwks()`, cacheable for `maxAge` seconds. */
  serveKeysOf(manager: Pick<TokenManager, "jwks"> | JsonWebKeySet, maxAge?: number): void;
  close(): Promise<void>;
}

/** Starts an endpoint; requests still hanging when it closes are answered 503 so that it can. */
export async function startJwksEndpoint(): Promise<JwksEndpoint> {
  let handler: (request: Request) => Response | Promise<Response> = () => new Response("not configured", { status: 500 });
  const hanging = new Set<() => void>();
  const server: RunningServer = await serve((request) => handler(request));
  return {
    origin: server.url,
    url: `${server.url}${JWKS_PATH}`,
    fetches: () => server.hits.get(`GET ${JWKS_PATH}`) ?? 0,
    answer(next) {
      handler = next;
    },
    hang() {
      handler = () => new Promise<Response>((resolve) => hanging.add(() => resolve(new Response("closing", { status: 503 }))));
    },
    serveKeysOf(manager, maxAge = 300) {
      handler = () => jwksResponse(manager, { maxAge });
    },
    async close() {
      for (const release of hanging) release();
      await server.close();
    },
  };
}
