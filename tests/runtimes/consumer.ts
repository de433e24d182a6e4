// Type-checked by the runtime matrix under moduleResolution node16, nodenext and bundler,
// against the installed tarball: every entry point must resolve to its declarations.
import { TokenManager, MemoryRefreshTokenStore, isTokenwiseError, type TokenPair, type VerifiedAccessToken } from "tokenwise";
import { TokenClient, httpRefresh } from "tokenwise/client";
import { authenticate as expressAuthenticate, authRoutes as expressAuthRoutes, handleErrors, toNodeHandler } from "tokenwise/express";
import { authenticate as fastifyAuthenticate, authRoutes as fastifyAuthRoutes } from "tokenwise/fastify";
import { authenticate as honoAuthenticate, authRoutes as honoAuthRoutes, type AuthEnv } from "tokenwise/hono";
import { createAuthEndpoints, requireAuth, tokenResponse, type AuthEndpoints } from "tokenwise/http";
import { RedisRefreshTokenStore, wrapIoredis, wrapNodeRedis, type RedisClient } from "tokenwise/redis";
import { SqlRefreshTokenStore, wrapSqliteDatabase } from "tokenwise/sql";
import { runStoreConformance } from "tokenwise/testing";

export async function typed(request: Request): Promise<Response> {
  const tokens = new TokenManager<{ role: string }>({ issuer: "i", audience: "a", signingKeys: [], store: new MemoryRefreshTokenStore() });
  const auth = await requireAuth(request, tokens);
  if (!auth.ok) return auth.response;
  const claims: VerifiedAccessToken<{ role: string }> = auth.claims;
  const role: string = claims.role;
  const pair: TokenPair = await tokens.issue({ subject: role });
  return tokenResponse(pair);
}

export const redisStore = (client: RedisClient): RedisRefreshTokenStore => new RedisRefreshTokenStore({ client, keyPrefix: "app" });

export const endpoints = (tokens: TokenManager<{ role: string }>): AuthEndpoints => createAuthEndpoints(tokens, { allowedOrigins: ["https://app.example.com"] });

export const honoRole = (env: AuthEnv<{ role: string }>): string => env.Variables.auth.role;

export const entries: unknown[] = [
  TokenClient,
  httpRefresh,
  SqlRefreshTokenStore,
  wrapSqliteDatabase,
  wrapIoredis,
  wrapNodeRedis,
  runStoreConformance,
  isTokenwiseError,
  expressAuthenticate,
  expressAuthRoutes,
  handleErrors,
  toNodeHandler,
  fastifyAuthenticate,
  fastifyAuthRoutes,
  honoAuthenticate,
  honoAuthRoutes,
];
