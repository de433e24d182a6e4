/**
 * tokenwise in Hono through tokenwise/hono: login, refresh and logout with the refresh token in
 * an HttpOnly cookie, and a protected route. Runs on Node, Deno, Bun and edge runtimes.
 */
import { Hono } from "hono";
import type { TokenManager } from "tokenwise";
import { authenticate, authRoutes, type AuthEnv } from "tokenwise/hono";
import { demoUsers } from "../shared/demo-users.js";
import { LOCAL_COOKIE } from "../shared/local-cookie.js";

type Claims = { role: string };

export function createApp(tokens: TokenManager<Claims>): Hono<AuthEnv<Claims>> {
  const users = demoUsers();
  const auth = authRoutes(tokens, { cookie: LOCAL_COOKIE });
  const app = new Hono<AuthEnv<Claims>>();

  app.post("/auth/login", async (c) => {
    const { username, password } = await c.req.json<{ username?: string; password?: string }>().catch(() => ({}) as never);
    const user = users.authenticate(username, password);
    if (!user) return c.json({ error: "invalid_grant" }, 401);
    return auth.login(await tokens.issue({ subject: user.id, claims: { role: user.profile.role ?? "user" } }));
  });
  app.post("/auth/refresh", auth.refresh);
  app.post("/auth/logout", auth.logout);
  app.get("/api/me", authenticate(tokens), (c) => c.json({ user: c.get("auth").sub, role: c.get("auth").role }));

  return app;
}
