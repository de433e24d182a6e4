import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import express4 from "express4";
import type { TokenManager } from "tokenwise";
import { authenticate, authRoutes, handleErrors, toNodeHandler } from "tokenwise/express";
import { createAuthEndpoints, requireAuth, type AuthEndpointsOptions } from "tokenwise/http";
import { describe, expect, it } from "vitest";
import { createHarness } from "../core/fixtures.js";
import { describeAdapter, LOGIN_CLAIMS, type AppClaims, type RunningApp } from "./adapter-suite.js";

declare module "tokenwise/http" {
  interface Register {
    claims: { role: string }; // as the examples declare it: one program, one Register
  }
}

async function listen(server: Server): Promise<RunningApp> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The suite's app in Express; `parseJsonFirst` puts express.json() in front of every route. */
function expressApp(createApp: typeof express, tokens: TokenManager<AppClaims>, options: AuthEndpointsOptions, parseJsonFirst: boolean): express.Express {
  const app = createApp();
  if (parseJsonFirst) app.use(createApp.json());
  const auth = authRoutes(tokens, options);
  app.post("/auth/login", async (_req, res) => auth.sendLogin(res, await tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS })));
  app.post("/auth/refresh", auth.refresh);
  app.post("/auth/logout", auth.logout);
  app.get("/api/me", authenticate(tokens), (req, res) => {
    const role: string | undefined = req.auth?.role; // typed through Register
    res.json({ sub: req.auth?.sub, role });
  });
  app.get("/api/orders", authenticate(tokens, { scopes: ["orders:read"] }), (_req, res) => void res.json([]));
  app.post("/api/echo", authenticate(tokens), createApp.json(), (req, res) => void res.json(req.body));
  app.get("/api/throws", async () => {
    await tokens.verifyAccessToken("not a token");
  });
  app.use(handleErrors());
  return app;
}

/** The suite's app as one Web-standard handler on tokenwise/http, served by node:http. */
function webHandler(tokens: TokenManager<AppClaims>, options: AuthEndpointsOptions): (request: Request) => Promise<Response> {
  const auth = createAuthEndpoints(tokens, options);
  return async (request) => {
    const route = `${request.method} ${new URL(request.url).pathname}`;
    if (route === "POST /auth/login") return auth.login(await tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS }));
    if (route === "POST /auth/refresh") return auth.refresh(request);
    if (route === "POST /auth/logout") return auth.logout(request);
    const result = await requireAuth(request, tokens, route === "GET /api/orders" ? { scopes: ["orders:read"] } : {});
    if (!result.ok) return result.response;
    return Response.json(route === "GET /api/me" ? { sub: result.claims.sub, role: result.claims.role } : []);
  };
}

describeAdapter("Express 5", (tokens, options) => listen(createServer(expressApp(express, tokens, options, false))));
describeAdapter("Express 5 behind express.json()", (tokens, options) => listen(createServer(expressApp(express, tokens, options, true))));
describeAdapter("Express 4 behind express.json()", (tokens, options) => listen(createServer(expressApp(express4, tokens, options, true))));
describeAdapter("node:http with toNodeHandler", (tokens, options) => listen(createServer(toNodeHandler(webHandler(tokens, options)))));

/** Serves `listener` on 127.0.0.1 for the duration of `check`. */
async function whileServing(listener: RequestListener, check: (url: string) => Promise<void>): Promise<void> {
  const app = await listen(createServer(listener));
  try {
    await check(app.url);
  } finally {
    await app.close();
  }
}

describe("Express middleware", () => {
  it("behind express.urlencoded(), a form refresh (grant_type=refresh_token, RFC 6749 §6) still rotates", async () => {
    const { tokens } = await createHarness<AppClaims>();
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post("/auth/refresh", authRoutes(tokens).refresh);
    await whileServing(app, async (url) => {
      const pair = await tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS });
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: pair.refreshToken });
      const response = await fetch(`${url}/auth/refresh`, { method: "POST", body: form });
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveProperty("refresh_token");
      const wrongGrant = await fetch(`${url}/auth/refresh`, { method: "POST", body: new URLSearchParams({ grant_type: "password" }) });
      expect([wrongGrant.status, ((await wrongGrant.json()) as { error: string }).error]).toEqual([400, "invalid_request"]);
    });
  });

  it("authenticate reads only the headers: a body parser after it still gets the whole body", async () => {
    const { tokens } = await createHarness<AppClaims>();
    await whileServing(expressApp(express, tokens, {}, false), async (url) => {
      const { accessToken } = await tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS });
      const payload = { text: "x".repeat(50_000) };
      const headers = { authorization: `Bearer ${accessToken}`, "content-type": "application/json" };
      const response = await fetch(`${url}/api/echo`, { method: "POST", headers, body: JSON.stringify(payload) });
      expect([response.status, await response.json()]).toEqual([200, payload]);
    });
  });

  it("handleErrors answers a TokenwiseError thrown by a route with its Bearer challenge", async () => {
    const { tokens } = await createHarness<AppClaims>();
    await whileServing(expressApp(express, tokens, {}, false), async (url) => {
      const response = await fetch(`${url}/api/throws`);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="api", error="invalid_token"/);
    });
  });
});

describe("toNodeHandler", () => {
  it("streams a body in and out, and answers a bare 500 when the handler throws", async () => {
    const echo = toNodeHandler(async (request) => {
      if (request.method === "GET") throw new Error("boom");
      return new Response(request.body, { headers: [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-seen", new URL(request.url).pathname]] });
    });
    await whileServing(echo, async (url) => {
      const echoed = await fetch(`${url}/echo?q=1`, { method: "POST", body: "x".repeat(100_000) });
      expect([echoed.status, (await echoed.text()).length, echoed.headers.getSetCookie(), echoed.headers.get("x-seen")]).toEqual([200, 100_000, ["a=1", "b=2"], "/echo"]);
      expect((await fetch(`${url}/`)).status).toBe(500);
    });
  });
});
