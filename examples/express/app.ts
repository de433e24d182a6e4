/**
 * tokenwise in Express 5: the same login, refresh, protected route and logout, with the
 * core API and tokenwise/http's response builders bridged to Express's res.
 */
import express, { type Response as ExpressResponse } from "express";
import type { TokenManager } from "tokenwise";
import { bearerErrorResponse, parseBearerToken, tokenErrorResponse, tokenResponse } from "tokenwise/http";
import { demoUsers } from "../shared/demo-users.js";

/** Sends a Web Response through Express. */
async function send(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => res.append(name, value));
  res.send(Buffer.from(await response.arrayBuffer()));
}

export function createApp(tokens: TokenManager<{ role: string }>): express.Express {
  const users = demoUsers();
  const app = express();
  app.use(express.json({ limit: "16kb" }));

  app.post("/auth/login", async (req, res) => {
    const user = users.authenticate(req.body?.username, req.body?.password);
    if (!user) return void res.status(401).json({ error: "invalid_grant" });
    await send(res, tokenResponse(await tokens.issue({ subject: user.id, claims: { role: user.profile.role ?? "user" } })));
  });

  app.post("/auth/refresh", async (req, res) => {
    try {
      await send(res, tokenResponse(await tokens.refresh(req.body?.refresh_token)));
    } catch (error) {
      await send(res, tokenErrorResponse(error));
    }
  });

  app.post("/auth/logout", async (req, res) => {
    await tokens.revoke(req.body?.refresh_token).catch(() => false);
    res.status(204).end();
  });

  app.get("/api/me", async (req, res) => {
    try {
      const claims = await tokens.verifyAccessToken(parseBearerToken(req.headers.authorization ?? null));
      res.json({ user: claims.sub, role: claims.role });
    } catch (error) {
      await send(res, bearerErrorResponse(error));
    }
  });

  return app;
}
