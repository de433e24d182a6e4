/**
 * The server side of the browser suite, served with node:http on 127.0.0.1: a TokenManager and
 * the tokenwise/http helpers behind POST /login, POST /refresh and GET /data, plus the test page
 * (GET /) and its script (GET /page.js): tests/browser/page.ts bundled by esbuild against the
 * built package, dist/client/index.js. It counts refresh requests and reuse detections, and can
 * hold or refuse refreshes; its clock runs `skewSeconds` ahead, as the pages' clocks do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { readRefreshToken, requireAuth, tokenErrorResponse, tokenResponse, type RefreshCookieOptions } from "tokenwise/http";
import { ROOT } from "../examples/run-example.js";

export interface BrowserAppOptions {
  /** The manager's grace window. @default 0: a spent refresh token presented again is reuse */
  reuseGraceSeconds?: number;
  /** Deliver the refresh token in this cookie rather than in the JSON body. */
  cookie?: RefreshCookieOptions;
}

export interface BrowserApp {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** POST /refresh requests received. */
  refreshes: number;
  /** `reuse_detected` events of the manager. */
  reuses: number;
  /** How far the server's clock (and the pages') runs ahead of the real one. */
  skewSeconds: number;
  /** Answer every refresh with 401 `invalid_grant`. */
  refusing: boolean;
  /** Holds the next refresh request until `release()`; `arrived` resolves when it came in. */
  holdNextRefresh(): { arrived: Promise<void>; release: () => void };
  /** Delays every refresh by this many milliseconds. */
  refreshDelayMs: number;
  close(): Promise<void>;
}

let pageScript: Promise<string> | undefined;

/** tests/browser/page.ts, bundled once per run with `tokenwise/client` taken from dist/. */
function bundlePage(): Promise<string> {
  pageScript ??= build({
    entryPoints: [join(ROOT, "tests", "browser", "page.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "error",
    plugins: [
      {
        name: "built-package",
        setup(plugin) {
          plugin.onResolve({ filter: /^tokenwise\/client$/ }, () => ({ path: join(ROOT, "dist", "client", "index.js") }));
        },
      },
    ],
  }).then((result) => result.outputFiles[0]?.text ?? "");
  return pageScript;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>tokenwise</title><script type="module" src="/page.js"></script>';

export async function startBrowserApp(options: BrowserAppOptions = {}): Promise<BrowserApp> {
  const script = await bundlePage();
  let held: { arrived: () => void; gate: Promise<void> } | null = null;
  const tokens = new TokenManager({
    issuer: "https://tokenwise.test",
    audience: "browser-suite",
    signingKeys: [await generateSigningKey("EdDSA")],
    store: new MemoryRefreshTokenStore(),
    reuseGraceSeconds: options.reuseGraceSeconds ?? 0,
    now: () => new Date(Date.now() + app.skewSeconds * 1000),
    onEvent: (event) => void (event.type === "reuse_detected" && app.reuses++),
  });
  const cookie = options.cookie ? { cookie: options.cookie } : {};

  async function handle(request: Request): Promise<Response> {
    const route = `${request.method} ${new URL(request.url).pathname}`;
    if (route === "GET /") return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    if (route === "GET /page.js") return new Response(script, { headers: { "content-type": "text/javascript; charset=utf-8" } });
    if (route === "POST /login") return tokenResponse(await tokens.issue({ subject: "browser-user" }), cookie);
    if (route === "POST /refresh") {
      app.refreshes++;
      const hold = held;
      held = null;
      if (hold) {
        hold.arrived();
        await hold.gate;
      }
      if (app.refreshDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, app.refreshDelayMs));
      if (app.refusing) return Response.json({ error: "invalid_grant" }, { status: 401 });
      try {
        const refreshToken = await readRefreshToken(request, { cookieName: options.cookie?.name ?? "__Secure-refresh_token" });
        return tokenResponse(await tokens.refresh(refreshToken), cookie);
      } catch (error) {
        return tokenErrorResponse(error);
      }
    }
    const auth = await requireAuth(request, tokens);
    return auth.ok ? Response.json({ user: auth.claims.sub }) : auth.response;
  }

  // A page closed mid-request leaves nobody to answer: drop the connection.
  const server = createServer((incoming, outgoing) => void serveNode(incoming, outgoing, handle).catch(() => outgoing.destroy()));
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  const app: BrowserApp = {
    origin: `http://127.0.0.1:${port}`,
    port,
    refreshes: 0,
    reuses: 0,
    skewSeconds: 0,
    refusing: false,
    refreshDelayMs: 0,
    holdNextRefresh() {
      let arrived = (): void => undefined;
      let release = (): void => undefined;
      const came = new Promise<void>((resolve) => (arrived = resolve));
      held = { arrived, gate: new Promise<void>((resolve) => (release = resolve)) };
      return { arrived: came, release };
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return app;
}

/** node:http ⇄ Request/Response, as the README's quick start does it. */
async function serveNode(incoming: IncomingMessage, outgoing: ServerResponse, handle: (request: Request) => Promise<Response>): Promise<void> {
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i] as string, incoming.rawHeaders[i + 1] as string);
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
  const response = await handle(new Request(`http://${incoming.headers.host}${incoming.url}`, { method: incoming.method, headers, body }));
  const setCookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => void (name !== "set-cookie" && outgoing.setHeader(name, value)));
  if (setCookies.length > 0) outgoing.setHeader("set-cookie", setCookies);
  outgoing.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()));
}
