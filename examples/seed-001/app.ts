/**
 * Seed 001's API: register and login return two self-contained JWTs — a 15-minute access token
 * and a 7-day refresh token — and nothing is stored on the server. POST /refresh exchanges the
 * refresh token for a new access token while it is valid. (Stateless tokens cannot be revoked:
 * logout is the client forgetting them.)
 */
import { TokenManager, generateSigningKey } from "tokenwise";
import { noStoreJson, readRefreshToken, requireAuth, tokenErrorResponse } from "tokenwise/http";
import { readJson, router, type Handler } from "../shared/router.js";
import { UserDirectory } from "../shared/users.js";

export interface Seed001Options {
  now?: () => Date;
}

export async function createSeed001App(options: Seed001Options = {}): Promise<{ fetch: Handler; tokens: TokenManager<{ email: string }> }> {
  const tokens = new TokenManager<{ email: string }>({
    issuer: "http://seed-001.example",
    audience: "seed-001",
    signingKeys: [await generateSigningKey("EdDSA")],
    refreshTokenMode: "stateless",
    accessTokenTtl: "15m",
    refreshTokenTtl: "7d",
    sessionMaxAge: "7d",
    ...(options.now ? { now: options.now } : {}),
  });
  const users = new UserDirectory();

  const issue = async (email: string) => {
    const pair = await tokens.issue({ subject: email, claims: { email } });
    return noStoreJson({ access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: "bearer", expires_in: pair.expiresIn });
  };

  const fetch = router({
    "POST /auth/register": async (request) => {
      const { email, password } = await readJson(request);
      if (typeof email !== "string" || !email.includes("@") || typeof password !== "string" || password.length < 8) {
        return Response.json({ detail: "A valid email and a password of at least 8 characters are required" }, { status: 422 });
      }
      if (!users.add(email, password)) return Response.json({ detail: "Email already registered" }, { status: 409 });
      return issue(email);
    },
    "POST /auth/login": async (request) => {
      const { email, password } = await readJson(request);
      const user = users.authenticate(email, password);
      return user ? issue(user.id) : Response.json({ detail: "Incorrect email or password" }, { status: 401 });
    },
    "POST /auth/refresh": async (request) => {
      try {
        const pair = await tokens.refresh(await readRefreshToken(request, { from: ["body"] }));
        return noStoreJson({ access_token: pair.accessToken, token_type: "bearer", expires_in: pair.expiresIn });
      } catch (error) {
        return tokenErrorResponse(error);
      }
    },
    "GET /users/me": async (request) => {
      const auth = await requireAuth(request, tokens);
      return auth.ok ? Response.json({ email: auth.claims.email }) : auth.response;
    },
  });
  return { fetch, tokens };
}
