/**
 * tokenwise in Fastify 5: the same login, refresh, protected route and logout, with the
 * core API and tokenwise/http's response builders bridged to Fastify's reply.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { TokenManager } from "tokenwise";
import { bearerErrorResponse, parseBearerToken, tokenErrorResponse, tokenResponse } from "tokenwise/http";
import { demoUsers } from "../shared/demo-users.js";

/** Sends a Web Response through Fastify. */
async function send(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.status(response.status);
  response.headers.forEach((value, name) => void reply.header(name, value));
  return reply.send(Buffer.from(await response.arrayBuffer()));
}

type Body = { username?: string; password?: string; refresh_token?: string } | undefined;

export function createApp(tokens: TokenManager<{ role: string }>): FastifyInstance {
  const users = demoUsers();
  const app = Fastify({ bodyLimit: 16_384 });

  app.post<{ Body: Body }>("/auth/login", async (request, reply) => {
    const user = users.authenticate(request.body?.username, request.body?.password);
    if (!user) return reply.status(401).send({ error: "invalid_grant" });
    return send(reply, tokenResponse(await tokens.issue({ subject: user.id, claims: { role: user.profile.role ?? "user" } })));
  });

  app.post<{ Body: Body }>("/auth/refresh", async (request, reply) => {
    try {
      return await send(reply, tokenResponse(await tokens.refresh(request.body?.refresh_token)));
    } catch (error) {
      return send(reply, tokenErrorResponse(error));
    }
  });

  app.post<{ Body: Body }>("/auth/logout", async (request, reply) => {
    await tokens.revoke(request.body?.refresh_token).catch(() => false);
    return reply.status(204).send();
  });

  app.get("/api/me", async (request, reply) => {
    try {
      const claims = await tokens.verifyAccessToken(parseBearerToken(request.headers.authorization ?? null));
      return { user: claims.sub, role: claims.role };
    } catch (error) {
      return send(reply, bearerErrorResponse(error));
    }
  });

  return app;
}
