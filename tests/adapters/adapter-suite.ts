/**
 * What every framework adapter must do, over real HTTP: one suite, run by each adapter's test
 * file against an app built with that adapter. The expected answers come from tokenwise/http
 * itself, so an adapter that adds or loses anything fails.
 */
import type { TokenManager } from "tokenwise";
import { requireAuth, type AuthEndpointsOptions } from "tokenwise/http";
import { describe, expect, it } from "vitest";
import { createHarness, type TestClock } from "../core/fixtures.js";

export interface AppClaims {
  [claim: string]: string;
  role: string;
  scope: string;
}

/** An adapter's app on 127.0.0.1 with POST /auth/login, /auth/refresh, /auth/logout, GET /api/me and GET /api/orders (scope orders:read). */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export type StartApp = (tokens: TokenManager<AppClaims>, options: AuthEndpointsOptions) => Promise<RunningApp>;

/** The claims every app's login route issues for "ada". */
export const LOGIN_CLAIMS: AppClaims = { role: "admin", scope: "profile" };

const COOKIE = "__Secure-refresh_token";

/** The `name=value` of the refresh cookie a response sets. */
export const cookieOf = (response: Response): string => (response.headers.get("set-cookie") ?? "").split(";")[0] as string;

const post = (url: string, init: RequestInit = {}): Promise<Response> => fetch(url, { method: "POST", ...init });
const jsonBody = (body: unknown): RequestInit => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

interface AppUnderTest {
  url: string;
  tokens: TokenManager<AppClaims>;
  clock: TestClock;
}

/** Runs `check` against a fresh app with its own manager, and closes the app afterwards. */
async function withApp(start: StartApp, check: (app: AppUnderTest) => Promise<void>, options: AuthEndpointsOptions = {}): Promise<void> {
  const { tokens, clock } = await createHarness<AppClaims>();
  const app = await start(tokens, options);
  try {
    await check({ url: app.url, tokens, clock });
  } finally {
    await app.close();
  }
}

/** Declares the adapter suite for one app. */
export function describeAdapter(name: string, start: StartApp): void {
  describe(`${name}: authentication`, () => {
    it("an authenticated request gets the token's typed claims", () =>
      withApp(start, async (app) => {
        const pair = await app.tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS });
        const response = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${pair.accessToken}` } });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ sub: "ada", role: "admin" });
      }));

    it("a missing, malformed, invalid or expired token gets the same 401 or 400 and WWW-Authenticate as tokenwise/http", () =>
      withApp(start, async (app) => {
        const pair = await app.tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS });
        const cases: Record<string, string>[] = [{}, { authorization: "Bearer not.a.jwt" }, { authorization: "Bearer" }, { authorization: `Basic ${btoa("a:b")}` }];
        const expired = { authorization: `Bearer ${pair.accessToken}` };
        for (const headers of [...cases, "expired" as const]) {
          if (headers === "expired") app.clock.advance(3600);
          const sent = headers === "expired" ? expired : headers;
          const expected = await requireAuth(new Request(`${app.url}/api/me`, { headers: sent }), app.tokens);
          if (expected.ok) throw new Error("the case should fail");
          const actual = await fetch(`${app.url}/api/me`, { headers: sent });
          expect([actual.status, actual.headers.get("www-authenticate"), await actual.json()]).toEqual([
            expected.response.status,
            expected.response.headers.get("www-authenticate"),
            await expected.response.json(),
          ]);
          expect(actual.headers.get("cache-control")).toBe("no-store");
        }
      }));

    it("a valid token without the route's scope gets 403 insufficient_scope naming it", () =>
      withApp(start, async (app) => {
        const pair = await app.tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS });
        const response = await fetch(`${app.url}/api/orders`, { headers: { authorization: `Bearer ${pair.accessToken}` } });
        expect(response.status).toBe(403);
        expect(response.headers.get("www-authenticate")).toBe('Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the required scope", scope="orders:read"');
        const granted = await app.tokens.issue({ subject: "ada", claims: { role: "admin", scope: "orders:read" } });
        expect((await fetch(`${app.url}/api/orders`, { headers: { authorization: `Bearer ${granted.accessToken}` } })).status).toBe(200);
      }));
  });

  describe(`${name}: login, refresh and logout`, () => {
    it("login sets the HttpOnly refresh cookie on /auth, keeps the token out of the body, with no-store and Vary: Cookie", () =>
      withApp(start, async (app) => {
        const login = await post(`${app.url}/auth/login`);
        expect(login.status).toBe(200);
        expect(login.headers.get("set-cookie")).toMatch(new RegExp(`^${COOKIE}=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=/auth; HttpOnly; Secure; SameSite=Strict$`));
        expect([login.headers.get("cache-control"), login.headers.get("vary")]).toEqual(["no-store", "Cookie"]);
        const body = await login.json();
        expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
        expect(body).not.toHaveProperty("refresh_token");
      }));

    it("refresh with the cookie rotates it: a new cookie, no refresh_token in the body, no-store and Vary: Cookie", () =>
      withApp(start, async (app) => {
        const cookie = cookieOf(await post(`${app.url}/auth/login`));
        const refreshed = await post(`${app.url}/auth/refresh`, { headers: { cookie, "sec-fetch-site": "same-origin" } });
        expect(refreshed.status).toBe(200);
        expect(cookieOf(refreshed)).toMatch(new RegExp(`^${COOKIE}=`));
        expect(cookieOf(refreshed)).not.toBe(cookie);
        expect([refreshed.headers.get("cache-control"), refreshed.headers.get("vary")]).toEqual(["no-store", "Cookie"]);
        const body = (await refreshed.json()) as { access_token: string };
        expect(body).not.toHaveProperty("refresh_token");
        expect((await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${body.access_token}` } })).status).toBe(200);
      }));

    it("refresh with the token in a JSON body answers with the successor in the body and sets no cookie", () =>
      withApp(start, async (app) => {
        const pair = await app.tokens.issue({ subject: "ada", claims: LOGIN_CLAIMS });
        const refreshed = await post(`${app.url}/auth/refresh`, jsonBody({ refresh_token: pair.refreshToken }));
        expect(refreshed.status).toBe(200);
        expect(refreshed.headers.get("set-cookie")).toBeNull();
        expect(refreshed.headers.get("cache-control")).toBe("no-store");
        const body = (await refreshed.json()) as { refresh_token: string };
        expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        const spent = await post(`${app.url}/auth/refresh`, jsonBody({ refresh_token: "x".repeat(43) }));
        expect([spent.status, await spent.json()]).toEqual([401, { error: "invalid_grant", error_description: expect.any(String) }]);
      }));

    it("logout in cookie mode clears the cookie and revokes the session", () =>
      withApp(start, async (app) => {
        const login = await post(`${app.url}/auth/login`);
        const cookie = cookieOf(login);
        const { access_token } = (await login.json()) as { access_token: string };
        const logout = await post(`${app.url}/auth/logout`, { headers: { cookie, origin: app.url } });
        expect(logout.status).toBe(204);
        expect(logout.headers.get("set-cookie")).toBe(`${COOKIE}=; Max-Age=0; Path=/auth; HttpOnly; Secure; SameSite=Strict`);
        expect([logout.headers.get("cache-control"), logout.headers.get("vary")]).toEqual(["no-store", "Cookie"]);
        const refused = await post(`${app.url}/auth/refresh`, { headers: { cookie } });
        expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([401, "invalid_grant"]);
        await expect(app.tokens.verifyAccessToken(access_token, { checkSession: true })).rejects.toMatchObject({ code: "session_revoked" });
        expect((await post(`${app.url}/auth/logout`)).status).toBe(204); // nothing to revoke: still logged out
      }));
  });

  describe(`${name}: cross-site requests`, () => {
    it("a cross-site or foreign-origin refresh with the cookie is refused with 403 access_denied and rotates nothing", () =>
      withApp(start, async (app) => {
        const cookie = cookieOf(await post(`${app.url}/auth/login`));
        const foreign: Record<string, string>[] = [
          { "sec-fetch-site": "cross-site" },
          { "sec-fetch-site": "same-site", origin: "https://evil.example.test" },
          { origin: "https://evil.example.test" },
          { origin: "null" },
        ];
        for (const headers of foreign) {
          const refused = await post(`${app.url}/auth/refresh`, { headers: { cookie, ...headers } });
          expect(refused.status).toBe(403);
          expect(refused.headers.get("cache-control")).toBe("no-store");
          expect(await refused.json()).toMatchObject({ error: "access_denied" });
          expect(refused.headers.get("set-cookie")).toBeNull();
          const logout = await post(`${app.url}/auth/logout`, { headers: { cookie, ...headers } });
          expect(logout.status).toBe(403);
        }
        expect((await post(`${app.url}/auth/refresh`, { headers: { cookie } })).status).toBe(200); // no browser headers: not a page of another site
      }));

    it("an allowed origin may refresh with the cookie from another site", () =>
      withApp(start, async (app) => {
        const cookie = cookieOf(await post(`${app.url}/auth/login`));
        const refreshed = await post(`${app.url}/auth/refresh`, { headers: { cookie, "sec-fetch-site": "same-site", origin: "https://app.example.test" } });
        expect(refreshed.status).toBe(200);
      }, { allowedOrigins: ["https://app.example.test"] }));
  });
}
