/**
 * Seed 000's API: POST /token logs in with email and password and returns
 * { email, role, access_token, refresh_token, token_type: "bearer" }; POST /refresh_token takes
 * the refresh token in the Authorization header and returns a new access token. One stored
 * refresh token per email, replaced on the next login; 15-minute access, 7-day refresh tokens.
 */
import { MemoryRefreshTokenStore, TokenManager, generateSigningKey, type RefreshTokenStore } from "tokenwise";
import { noStoreJson, parseBearerToken, requireAuth, tokenErrorResponse } from "tokenwise/http";
import { readJson, router, type Handler } from "../shared/router.js";
import { UserDirectory } from "../shared/users.js";

export interface Seed000Options {
  store?: RefreshTokenStore;
  now?: () => Date;
}

export async function createSeed000App(options: Seed000Options = {}): Promise<{ fetch: Handler; tokens: TokenManager<{ email: string; role: string[] }>; users: UserDirectory }> {
  const tokens = new TokenManager<{ email: string; role: string[] }>({
    issuer: "http://seed-000.example",
    audience: "seed-000",
    signingKeys: [await generateSigningKey("HS256")],
    store: options.store ?? new MemoryRefreshTokenStore(),
    accessTokenTtl: "15m",
    refreshTokenTtl: "7d",
    sessionMaxAge: "7d",
    maxSessionsPerSubject: 1, // one refresh token per email, replaced on the next login
    rotateRefreshTokens: false, // the same refresh token serves until it expires
    ...(options.now ? { now: options.now } : {}),
  });
  const users = new UserDirectory();
  users.add("ada@example.com", "correct horse battery staple", { role: "admin" });

  const fetch = router({
    "POST /token": async (request) => {
      const { email, password } = await credentials(request);
      const user = users.authenticate(email, password);
      if (!user) return Response.json({ detail: "Incorrect email or password" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
      const role = [user.profile.role ?? "user"];
      const pair = await tokens.issue({ subject: user.id, claims: { email: user.id, role } });
      return noStoreJson({ email: user.id, role, access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: "bearer" });
    },
    "POST /refresh_token": async (request) => {
      try {
        const pair = await tokens.refresh(parseBearerToken(request));
        return noStoreJson({ access_token: pair.accessToken, token_type: "bearer" });
      } catch (error) {
        return tokenErrorResponse(error);
      }
    },
    "POST /logout": async (request) => {
      try {
        await tokens.revoke(parseBearerToken(request));
        return new Response(null, { status: 204 });
      } catch (error) {
        return tokenErrorResponse(error);
      }
    },
    "GET /users/me": async (request) => {
      const auth = await requireAuth(request, tokens);
      return auth.ok ? Response.json({ email: auth.claims.email, role: auth.claims.role }) : auth.response;
    },
  });
  return { fetch, tokens, users };
}

/** FastAPI-style form (username, password) or JSON (email, password). */
async function credentials(request: Request): Promise<{ email: unknown; password: unknown }> {
  if ((request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(await request.text());
    return { email: form.get("username"), password: form.get("password") };
  }
  const body = await readJson(request);
  return { email: body.email, password: body.password };
}
