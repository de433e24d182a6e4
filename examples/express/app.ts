/**
 * tokenwise in Express 5 (or 4) through tokenwise/express: login, refresh and logout with the
 * refresh token in an HttpOnly cookie, and a protected route.
 */
import express from "express";
import type { TokenManager } from "tokenwise";
import { authenticate, authRoutes, handleErrors } from "tokenwise/express";
import { demoUsers } from "../shared/demo-users.js";
import { LOCAL_COOKIE } from "../shared/local-cookie.js";

declare module "tokenwise/http" {
  interface Register {
    claims: { role: string }; // the type of req.auth's claims
  }
}

export function createApp(tokens: TokenManager<{ role: string }>): express.Express {
  const users = demoUsers();
  const auth = authRoutes(tokens, { cookie: LOCAL_COOKIE });
  const app = express();

  app.post("/auth/login", express.json({ limit: "16kb" }), async (req, res) => {
    const user = users.authenticate(req.body?.username, req.body?.password);
    if (!user) return void res.status(401).json({ error: "invalid_grant" });
    await auth.sendLogin(res, await tokens.issue({ subject: user.id, claims: { role: user.profile.role ?? "user" } }));
  });
  app.post("/auth/refresh", auth.refresh);
  app.post("/auth/logout", auth.logout);
  app.get("/api/me", authenticate(tokens), (req, res) => void res.json({ user: req.auth?.sub, role: req.auth?.role }));
  app.use(handleErrors());

  return app;
}
