/**
 * Seed 002's flow against any RefreshTokenStore: staff and customer logins, a rotating refresh,
 * regenerate_token, reuse detection and logout — printing each response in the seed's shape.
 */
import { generateSigningKey, TokenManager, type RefreshTokenStore, type TokenPair } from "tokenwise";
import { failureOf } from "../shared/outcome.js";

/** Seed 002's response body: `{ token, refresh_token, token_expires_in }`. */
function seedResponse(pair: TokenPair): { token: string; refresh_token: string; token_expires_in: number } {
  return { token: `${pair.accessToken.slice(0, 16)}…`, refresh_token: `${pair.refreshToken.slice(0, 8)}…`, token_expires_in: pair.expiresIn };
}

/** Runs the flow; throws if any step does not behave as seed 002 describes. */
export async function runSeed002Flow(store: RefreshTokenStore, log: (line: string) => void = console.log): Promise<void> {
  const tokens = new TokenManager<{ kind: "staff" | "customer"; role?: string }>({
    issuer: "https://shop.example.test",
    audience: "api",
    signingKeys: [await generateSigningKey("EdDSA")],
    store,
    accessTokenTtl: "24h",
    refreshTokenTtl: "30d",
    sessionMaxAge: "90d",
  });

  const staff = await tokens.issue({ subject: "+919876543210", claims: { kind: "staff", role: "admin" } });
  log(`POST /api/v1/login → 200 ${JSON.stringify(seedResponse(staff))}`);
  const customer = await tokens.issue({ subject: "+919876543220", claims: { kind: "customer" } });
  log(`POST /api/v1/customer_login → 200 ${JSON.stringify(seedResponse(customer))}`);

  const rotated = await tokens.refresh(staff.refreshToken);
  if (rotated.refreshToken === staff.refreshToken) throw new Error("refresh must rotate the refresh token");
  log(`POST /api/v1/refresh_token → 200 ${JSON.stringify(seedResponse(rotated))} (rotated; the old one is revoked)`);

  const regenerated = await tokens.reissueAccessToken(rotated.accessToken);
  log(`POST /api/v1/regenerate_token → 200 token_expires_in=${regenerated.expiresIn}`);
  const claims = await tokens.verifyAccessToken(regenerated.accessToken, { checkSession: true });
  log(`GET /api/v1/me → 200 ${claims.sub} kind=${claims.kind} role=${claims.role}`);

  // An attacker replays the first refresh token once the grace window has passed.
  const strict = new TokenManager({ issuer: "https://shop.example.test", audience: "api", signingKeys: [await generateSigningKey("EdDSA")], store, reuseGraceSeconds: 0 });
  const victim = await strict.issue({ subject: "+919876543221" });
  await strict.refresh(victim.refreshToken);
  log(`replayed old refresh_token → ${await failureOf(() => strict.refresh(victim.refreshToken))} (session revoked)`);

  log(`POST /api/v1/logout → revoked=${await tokens.revoke(customer.refreshToken)}`);
  log(`POST /api/v1/refresh_token after logout → ${await failureOf(() => tokens.refresh(customer.refreshToken))} → log in again`);
  log(`active sessions of the staff user: ${(await tokens.listSessions("+919876543210")).length}`);
}
