/**
 * tokenwise in Fastify 5 through tokenwise/fastify: login, refresh and logout with the refresh
 * token in an HttpOnly cookie, and a scope of protected routes.
 */
import Fastify, { type FastifyInstance } from "fastify";
import type { TokenManager } from "tokenwise";
import { authenticate, authRoutes } from "tokenwise/fastify";
import { demoUsers } from "../shared/demo-users.js";
import { LOCAL_COOKIE } from "../shared/local-cookie.js";

declare module "tokenwise/http" {
  interface Register {
    claims: { role: string }; // the type of request.auth's claims
  }
}

type Credentials = { username?: string; password?: string } | undefined;

export function createApp(tokens: TokenManager<{ role: string }>): FastifyInstance {
  const users = demoUsers();
  const auth = authRoutes(tokens, { cookie: LOCAL_COOKIE });
  const app = Fastify({ bodyLimit: 16_384 });

  app.post<{ Body: Credentials }>("/auth/login", async (request, reply) => {
    const user = users.authenticate(request.body?.username, request.body?.password);
    if (!user) return reply.status(401).send({ error: "invalid_grant" });
    return auth.login(await tokens.issue({ subject: user.id, claims: { role: user.profile.role ?? "user" } }));
  });
  app.post("/auth/refresh", auth.refresh);
  app.post("/auth/logout", auth.logout);
  app.register(async (api) => {
    await api.register(authenticate, { tokens });
    api.get("/api/me", async (request) => ({ user: request.auth?.sub, role: request.auth?.role }));
  });

  return app;
}
