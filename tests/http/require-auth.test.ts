import { requireAuth } from "tokenwise/http";
import { describe, expect, it } from "vitest";
import { createHarness } from "../core/fixtures.js";

const withToken = (token: string) => new Request("http://127.0.0.1/me", { headers: { authorization: `Bearer ${token}` } });

describe("requireAuth", () => {
  it("returns the typed claims of a valid token", async () => {
    const { tokens } = await createHarness<{ role: string }>();
    const { accessToken } = await tokens.issue({ subject: "u", claims: { role: "admin" } });
    const auth = await requireAuth(withToken(accessToken), tokens);
    expect(auth.ok && auth.claims.role).toBe("admin");
  });

  it("returns a ready 401 for a missing, invalid or expired token", async () => {
    const { tokens, clock } = await createHarness();
    const { accessToken } = await tokens.issue({ subject: "u" });
    const missing = await requireAuth(new Request("http://127.0.0.1/me"), tokens);
    const garbage = await requireAuth(withToken("garbage"), tokens);
    clock.advance(3600);
    const expired = await requireAuth(withToken(accessToken), tokens);
    for (const auth of [missing, garbage, expired]) {
      expect(auth.ok).toBe(false);
      if (!auth.ok) expect(auth.response.status).toBe(401);
    }
    if (!expired.ok) expect(expired.response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("rejects a token of a revoked session when checkSession is on", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    await tokens.revoke(pair.refreshToken);
    expect((await requireAuth(withToken(pair.accessToken), tokens)).ok).toBe(true);
    const auth = await requireAuth(withToken(pair.accessToken), tokens, { checkSession: true });
    expect(auth.ok || auth.response.status).toBe(401);
  });

  it("answers 403 insufficient_scope when scopes or the authorize rule are not met", async () => {
    const { tokens } = await createHarness<{ scope: string; role: string }>();
    const { accessToken } = await tokens.issue({ subject: "u", claims: { scope: "orders:read profile", role: "customer" } });
    expect((await requireAuth(withToken(accessToken), tokens, { scopes: ["orders:read"] })).ok).toBe(true);
    const noScope = await requireAuth(withToken(accessToken), tokens, { scopes: ["orders:write"] });
    expect(noScope.ok || noScope.response.status).toBe(403);
    if (!noScope.ok) expect(noScope.response.headers.get("www-authenticate")).toContain('scope="orders:write"');
    const notStaff = await requireAuth(withToken(accessToken), tokens, { authorize: (claims) => claims.role === "staff" });
    expect(notStaff.ok || notStaff.response.status).toBe(403);
  });
});
