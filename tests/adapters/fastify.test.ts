import Fastify from "fastify";
import type { TokenManager } from "tokenwise";
import { authenticate, authRoutes } from "tokenwise/fastify";
import type { AuthEndpointsOptions } from "tokenwise/http";
import { describeAdapter, LOGIN_CLAIMS, type AppClaims, type RunningApp } from "./adapter-suite.js";

declare module "tokenwise/http" {
  interface Register {
    claims: { role: string }; // as the examples declare it: one program, one Register
  }
}

/** The suite's app in Fastify: the auth routes outside, the protected ones in a scope with the plugin. */
async function startFastify(tokens: TokenManager<AppClaims>, options: AuthEndpointsOptions): Promise<RunningApp> {
  const app = Fastify();
  const auth = authRoutes(tokens, options);
  app.post("/auth/login", async () => auth.login(await tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS })));
  app.post("/auth/refresh", auth.refresh);
  app.post("/auth/logout", auth.logout);
  await app.register(async (api) => {
    await api.register(authenticate, { tokens });
    api.get("/api/me", async (request) => {
      const role: string | undefined = request.auth?.role; // typed through Register
      return { sub: request.auth?.sub, role };
    });
  });
  await app.register(async (orders) => {
    await orders.register(authenticate, { tokens, scopes: ["orders:read"] });
    orders.get("/api/orders", async () => []);
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
}

describeAdapter("Fastify 5", startFastify);
