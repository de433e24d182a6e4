/**
 * Seed 002's API: staff login (phone, password, role) and customer login return
 * { token, refresh_token, token_expires_in }; POST /api/v1/refresh_token rotates the refresh token
 * (body { refresh_token }; 401 when refused, 422 when the body is malformed);
 * POST /api/v1/regenerate_token reissues the access token while it is valid; logout revokes.
 * 24-hour access tokens, 30-day refresh tokens stored hashed.
 */
import { MemoryRefreshTokenStore, TokenManager, generateSigningKey, type RefreshTokenStore, type TokenPair } from "tokenwise";
import { bearerErrorResponse, noStoreJson, parseBearerToken, readRefreshToken, requireAuth, tokenErrorResponse } from "tokenwise/http";
import { readJson, router, type Handler } from "../shared/router.js";
import { UserDirectory } from "../shared/users.js";

type Claims = { kind: "staff" | "customer"; role?: string };

export interface Seed002Options {
  store?: RefreshTokenStore;
  now?: () => Date;
  reuseGraceSeconds?: number;
}

const body = (pair: Pick<TokenPair, "accessToken" | "expiresIn"> & { refreshToken?: string }) =>
  noStoreJson({ token: pair.accessToken, ...(pair.refreshToken ? { refresh_token: pair.refreshToken } : {}), token_expires_in: pair.expiresIn });

export async function createSeed002App(options: Seed002Options = {}): Promise<{ fetch: Handler; tokens: TokenManager<Claims> }> {
  const tokens = new TokenManager<Claims>({
    issuer: "http://seed-002.example",
    audience: "seed-002",
    signingKeys: [await generateSigningKey("ES256")],
    store: options.store ?? new MemoryRefreshTokenStore(),
    accessTokenTtl: "24h",
    refreshTokenTtl: "30d",
    sessionMaxAge: "90d",
    ...(options.reuseGraceSeconds === undefined ? {} : { reuseGraceSeconds: options.reuseGraceSeconds }),
    ...(options.now ? { now: options.now } : {}),
  });
  const staff = new UserDirectory();
  staff.add("+919876543210", "password123", { role: "admin" });
  staff.add("+919876543211", "password123", { role: "delivery" });
  const customers = new UserDirectory();
  customers.add("+919876543220", "password123");

  const invalid = () => Response.json({ error: "Invalid phone or password" }, { status: 401 });
  const refreshErrors = { invalidRequestStatus: 422 } as const;

  const fetch = router({
    "POST /api/v1/login": async (request) => {
      const { phone, password, role } = await readJson(request);
      const user = staff.authenticate(phone, password);
      if (!user || user.profile.role !== role) return invalid();
      return body(await tokens.issue({ subject: user.id, claims: { kind: "staff", role: String(role) } }));
    },
    "POST /api/v1/customer_login": async (request) => {
      const { phone, password } = await readJson(request);
      const user = customers.authenticate(phone, password);
      return user ? body(await tokens.issue({ subject: user.id, claims: { kind: "customer" } })) : invalid();
    },
    "POST /api/v1/refresh_token": async (request) => {
      try {
        return body(await tokens.refresh(await readRefreshToken(request, { from: ["body"] })));
      } catch (error) {
        return tokenErrorResponse(error, refreshErrors);
      }
    },
    "POST /api/v1/regenerate_token": async (request) => {
      try {
        return body(await tokens.reissueAccessToken(parseBearerToken(request)));
      } catch (error) {
        return bearerErrorResponse(error);
      }
    },
    "POST /api/v1/logout": async (request) => {
      const auth = await requireAuth(request, tokens);
      if (!auth.ok) return auth.response;
      await tokens.revokeSession(auth.claims.sid);
      return noStoreJson({ message: "Logged out" });
    },
    "GET /api/v1/profile": async (request) => {
      const auth = await requireAuth(request, tokens, { checkSession: true });
      return auth.ok ? Response.json({ phone: auth.claims.sub, kind: auth.claims.kind, role: auth.claims.role ?? null }) : auth.response;
    },
  });
  return { fetch, tokens };
}
