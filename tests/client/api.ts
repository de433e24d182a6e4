/**
 * A real API over HTTP for the client tests: POST /login, POST /refresh (RFC 6749 JSON), GET /data
 * (Bearer), on a manager with a test clock; and clients that share that clock.
 */
import type { TokenManagerOptions, JsonObject } from "tokenwise";
import { httpRefresh, TokenClient, type StoredTokens, type TokenClientOptions } from "tokenwise/client";
import { readRefreshToken, requireAuth, tokenErrorResponse, tokenResponse } from "tokenwise/http";
import { createHarness, type Harness } from "../core/fixtures.js";
import { serve, type RunningServer } from "../support/serve.js";

export interface ApiOptions {
  /** A status to answer /refresh with instead of refreshing, or `null` to refresh. */
  refreshFails?: () => number | null;
  /** Awaited before each refresh is served. */
  beforeRefresh?: () => Promise<void>;
  /** Manager options, e.g. `reuseGraceSeconds`. */
  manager?: Partial<TokenManagerOptions<JsonObject>>;
}

export interface Api extends Harness<JsonObject> {
  server: RunningServer;
  /** Logs in over HTTP and returns the tokens as a client stores them. */
  login(): Promise<StoredTokens>;
  /** POST /refresh requests so far. */
  refreshes(): number;
  /** A client of this API (closed by {@link closeAll}); `expired` collects its `onSessionExpired` calls. */
  client(options?: Partial<TokenClientOptions>, expired?: string[]): TokenClient;
}

let running: RunningServer[] = [];
let clients: TokenClient[] = [];

/** Closes every client and server made since the last call: use it in `afterEach`. */
export async function closeAll(): Promise<void> {
  for (const client of clients) client.close();
  await Promise.all(running.map((server) => server.close()));
  running = [];
  clients = [];
}

/** Closes `server` in the next {@link closeAll}. */
export function closeLater(server: RunningServer): RunningServer {
  running.push(server);
  return server;
}

export async function startApi(options: ApiOptions = {}): Promise<Api> {
  const harness = await createHarness(options.manager);
  const server = await serve(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/login") return tokenResponse(await harness.tokens.issue({ subject: "u" }));
    if (pathname === "/refresh") {
      await options.beforeRefresh?.();
      const status = options.refreshFails?.();
      if (status) return new Response("{}", { status });
      try {
        return tokenResponse(await harness.tokens.refresh(await readRefreshToken(request)));
      } catch (error) {
        return tokenErrorResponse(error);
      }
    }
    const auth = await requireAuth(request, harness.tokens);
    return auth.ok ? Response.json({ sub: auth.claims.sub }) : auth.response;
  });
  running.push(server);
  const now = (): number => harness.clock.now().getTime();
  return {
    ...harness,
    server,
    async login() {
      const body = (await (await fetch(`${server.url}/login`, { method: "POST" })).json()) as Record<string, string | number>;
      return { accessToken: String(body.access_token), refreshToken: String(body.refresh_token), expiresAt: now() + Number(body.expires_in) * 1000 };
    },
    refreshes: () => server.hits.get("POST /refresh") ?? 0,
    client(clientOptions = {}, expired = []) {
      const client = new TokenClient({
        refresh: httpRefresh({ url: `${server.url}/refresh`, now }),
        onSessionExpired: () => expired.push("expired"),
        now,
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
  };
}
