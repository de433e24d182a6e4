/**
 * tokenwise in Hono: login, refresh (rotating, from a JSON body or the HttpOnly cookie),
 * a protected route and logout. Runs on Node, Deno, Bun and edge runtimes.
 */
import { Hono } from "hono";
import type { TokenManager } from "tokenwise";
import { readRefreshToken, requireAuth, serializeClearedRefreshCookie, tokenErrorResponse, tokenResponse } from "tokenwise/http";
import { demoUsers } from "../shared/demo-users.js";

const cookie = { path: "/auth", secure: false, name: "refresh_token" } as const; // secure: false only for plain-HTTP local runs

export function createApp(tokens: TokenManager<{ role: string }>): Hono {
  const users = demoUsers();
  const app = new Hono();

  app.post("/auth/login", async (c) => {
    const { username, password } = await c.req.json<{ username?: string; password?: string }>().catch(() => ({}) as never);
    const user = users.authenticate(username, password);
    if (!user) return c.json({ error: "invalid_grant" }, 401);
    return tokenResponse(await tokens.issue({ subject: user.id, claims: { role: user.profile.role ?? "user" } }), { cookie });
  });

  app.post("/auth/refresh", async (c) => {
    try {
      const refreshToken = await readRefreshToken(c.req.raw, { from: ["cookie", "body"], cookieName: cookie.name });
      return tokenResponse(await tokens.refresh(refreshToken), { cookie });
    } catch (error) {
      return tokenErrorResponse(error);
    }
  });

  app.post("/auth/logout", async (c) => {
    const refreshToken = await readRefreshToken(c.req.raw, { from: ["cookie", "body"], cookieName: cookie.name }).catch(() => null);
    if (refreshToken) await tokens.revoke(refreshToken).catch(() => false);
    return c.body(null, 204, { "Set-Cookie": serializeClearedRefreshCookie(cookie) });
  });

  app.get("/api/me", async (c) => {
    const auth = await requireAuth(c.req.raw, tokens);
    return auth.ok ? c.json({ user: auth.claims.sub, role: auth.claims.role }) : auth.response;
  });

  return app;
}
