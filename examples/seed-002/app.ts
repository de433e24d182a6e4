/**
 * Seed 002's API: staff login (phone, password, role) and customer login return
 * { token, refresh_token, token_expires_in }; POST /api/v1/refresh_token rotates the refresh token
 * (body { refresh_token }; 401 when refused, 422 when the body is malformed);
 * POST /api/v1/regenerate_token reissues the access token while it is valid; logout revokes.
 * 24-hour access tokens, 30-day refresh tokens stored hashed.
 *
 * "Old token is revoked", as the seed says: by default a rotated-out refresh token is refused at
 * once (401) and presenting it revokes the session (`reuseGraceSeconds: 0`). The price: two tabs
 * refreshing at once, or a client whose refresh response was lost, log the user out. A grace
 * window of a few seconds (`reuseGraceSeconds`, or `REUSE_GRACE_SECONDS` for the server) hands
 * such a client the same successor instead.
 */
import { MemoryRefreshTokenStore, TokenManager, generateSigningKey, type RefreshTokenStore, type TokenPair } from "tokenwise";
import { bearerErrorResponse, noStoreJson, parseBearerToken, readRefreshToken, requireAuth, tokenErrorResponse } from "tokenwise/http";
import { readJson, router, type Handler } from "../shared/router.js";
import { UserDirectory } from "../shared/users.js";

type Claims = { kind: "staff" | "customer"; role?: string };

export interface Seed002Options {
  store?: RefreshTokenStore;
  now?: () => Date;
  /** Seconds in which a rotated-out refresh token still yields its successor. @default 0 (the seed: refused at once) */
  reuseGraceSeconds?: number;
}

/**
 * The grace window the server is started with: `REUSE_GRACE_SECONDS` from the environment, a
 * whole number of seconds, 0 when unset.
 */
export function reuseGraceSecondsFrom(env: Record<string, string | undefined>): number {
  const value = env.REUSE_GRACE_SECONDS ?? "";
  if (value === "") return 0;
  const seconds = Number(value);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new Error(`REUSE_GRACE_SECONDS must be a whole number of seconds; got ${JSON.stringify(value)}`);
  return seconds;
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
    reuseGraceSeconds: options.reuseGraceSeconds ?? 0,
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
