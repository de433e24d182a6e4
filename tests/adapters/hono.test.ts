import { Hono } from "hono";
import type { TokenManager } from "tokenwise";
import type { AuthEndpointsOptions } from "tokenwise/http";
import { authenticate, authRoutes, type AuthEnv } from "tokenwise/hono";
import { describe, expectTypeOf, it } from "vitest";
import { serve } from "../support/serve.js";
import { describeAdapter, LOGIN_CLAIMS, type AppClaims, type RunningApp } from "./adapter-suite.js";

/** The suite's app in Hono. */
function honoApp(tokens: TokenManager<AppClaims>, options: AuthEndpointsOptions): Hono<AuthEnv<AppClaims>> {
  const app = new Hono<AuthEnv<AppClaims>>();
  const auth = authRoutes(tokens, options);
  app.post("/auth/login", async () => auth.login(await tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS })));
  app.post("/auth/refresh", auth.refresh);
  app.post("/auth/logout", auth.logout);
  app.get("/api/me", authenticate(tokens), (c) => c.json({ sub: c.get("auth").sub, role: c.get("auth").role }));
  app.get("/api/orders", authenticate(tokens, { scopes: ["orders:read"] }), (c) => c.json([]));
  return app;
}

describeAdapter("Hono", async (tokens, options): Promise<RunningApp> => serve(honoApp(tokens, options).fetch));

describe("Hono types", () => {
  it("c.get('auth') after authenticate() carries the manager's claims", () => {
    const app = new Hono();
    const tokens = {} as TokenManager<{ role: string }>;
    app.get("/", authenticate(tokens), (c) => {
      expectTypeOf(c.get("auth").role).toEqualTypeOf<string>();
      expectTypeOf(c.get("auth").sub).toEqualTypeOf<string>();
      return c.text("");
    });
  });
});
