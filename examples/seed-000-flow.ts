/**
 * Walks the "Example Flow" of seed 000 live, in one process, with the in-memory store and
 * lifetimes short enough to watch them run out: 2 s access tokens, 4 s refresh tokens.
 *
 * Run: npm run demo
 */
import { generateSigningKey, isTokenwiseError, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { failureOf } from "./shared/outcome.js";

const tokens = new TokenManager<{ email: string; role: string[] }>({
  issuer: "https://api.example.test",
  audience: "api",
  signingKeys: [await generateSigningKey("EdDSA")],
  store: new MemoryRefreshTokenStore(),
  accessTokenTtl: "2s",
  refreshTokenTtl: "4s",
  clockTolerance: 0,
  // Seed 000: one refresh token per email, replaced on the next login, reused until it expires.
  maxSessionsPerSubject: 1,
  rotateRefreshTokens: false,
  onEvent: (event) => console.log(`      [audit] ${event.type} ${"sessionId" in event ? event.sessionId : ""}`),
});

/** A protected API route: 200 with the caller's email, or 401 with the reason. */
async function getProfile(accessToken: string): Promise<{ status: number; body: string }> {
  try {
    const claims = await tokens.verifyAccessToken(accessToken);
    return { status: 200, body: `hello ${claims.email}` };
  } catch (error) {
    if (isTokenwiseError(error)) return { status: error.status, body: error.code };
    throw error;
  }
}

/** Waits until just past `instant`: the one place a demo may sleep. */
async function waitUntil(instant: Date): Promise<void> {
  const delay = instant.getTime() - Date.now() + 50;
  console.log(`      (waiting ${(delay / 1000).toFixed(1)} s)`);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, delay)));
}

function step(number: string, text: string): void {
  console.log(`\n${number}. ${text}`);
}

step("1", "User logs in: access token (2 s here, 15 min in production) and refresh token (4 s here, 7 days)");
const login = await tokens.issue({ subject: "ada@example.test", claims: { email: "ada@example.test", role: ["admin"] } });
console.log(`   token_type=${login.tokenType} expires_in=${login.expiresIn} refresh_token=${login.refreshToken.slice(0, 8)}…`);

step("2", "The user makes API requests with the access token");
console.log("   GET /profile →", await getProfile(login.accessToken));

step("3", "The access token expires; the next request fails with 401");
await waitUntil(login.accessTokenExpiresAt);
const expired = await getProfile(login.accessToken);
console.log("   GET /profile →", expired);
if (expired.status !== 401) throw new Error("expected 401 after expiry");

step("4", "The client sends the refresh token to get a new access token");
const refreshed = await tokens.refresh(login.refreshToken);

step("5", "The server verified the refresh token and issued a new access token");
console.log(`   new access token, same refresh token (one per email): ${refreshed.refreshToken === login.refreshToken}`);

step("6", "The client resumes its API requests with the new access token");
console.log("   GET /profile →", await getProfile(refreshed.accessToken));

step("7a", "The user logs out: the refresh token is revoked and refused from now on");
console.log(`   revoked: ${await tokens.revoke(login.refreshToken)}`);
console.log("   refresh →", await failureOf(() => tokens.refresh(login.refreshToken)));

step("7b", "A new login; when its refresh token expires, the user must log in again");
const again = await tokens.issue({ subject: "ada@example.test", claims: { email: "ada@example.test", role: ["admin"] } });
await waitUntil(again.refreshTokenExpiresAt);
console.log("   refresh →", await failureOf(() => tokens.refresh(again.refreshToken)));

console.log("\nDone: every step of seed 000's flow behaved as described.");
