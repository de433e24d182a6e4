import type { AddressInfo } from "node:net";
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { httpRefresh, TokenClient, type StoredTokens } from "tokenwise/client";
import { afterEach, describe, expect, it } from "vitest";
import { createApp as createExpressApp } from "../../examples/express/app.js";
import { createApp as createFastifyApp } from "../../examples/fastify/app.js";
import { createApp as createHonoApp } from "../../examples/hono/app.js";
import { TestClock } from "../core/fixtures.js";
import { serve } from "../support/serve.js";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function manager(clock: TestClock): Promise<TokenManager<{ role: string }>> {
  return new TokenManager<{ role: string }>({
    issuer: "http://127.0.0.1",
    audience: "api",
    signingKeys: [await generateSigningKey("EdDSA")],
    store: new MemoryRefreshTokenStore(),
    now: clock.now,
  });
}

const startExpress = async (tokens: TokenManager<{ role: string }>) => {
  const server = createExpressApp(tokens).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const startFastify = async (tokens: TokenManager<{ role: string }>) => {
  const app = createFastifyApp(tokens);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  return url;
};

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const CREDENTIALS = { username: "ada", password: "correct horse battery staple" };

for (const [name, start] of [["Express 5", startExpress], ["Fastify 5", startFastify]] as const) {
  describe(`${name} example`, () => {
    it("logs in, calls the protected route, refreshes on expiry, and refuses refresh after logout", async () => {
      const clock = new TestClock();
      const tokens = await manager(clock);
      const url = await start(tokens);
      expect((await fetch(`${url}/auth/login`, json({ username: "ada", password: "wrong" }))).status).toBe(401);
      const login = (await (await fetch(`${url}/auth/login`, json(CREDENTIALS))).json()) as Record<string, string | number>;
      expect(login).toMatchObject({ token_type: "Bearer", expires_in: 900 });
      const client = new TokenClient({ refresh: httpRefresh({ url: `${url}/auth/refresh` }), now: () => clock.now().getTime() });
      await client.setTokens({ accessToken: String(login.access_token), refreshToken: String(login.refresh_token), expiresAt: clock.now().getTime() + 900_000 });

      expect(await (await client.fetch(`${url}/api/me`)).json()).toEqual({ user: "ada", role: "admin" });
      clock.advance(901);
      expect((await client.fetch(`${url}/api/me`)).status).toBe(200);
      const current = (await client.getTokens()) as StoredTokens;
      expect(current.refreshToken).not.toBe(login.refresh_token);

      expect((await fetch(`${url}/api/me`)).status).toBe(401);
      expect((await fetch(`${url}/auth/logout`, json({ refresh_token: current.refreshToken }))).status).toBe(204);
      const refused = await fetch(`${url}/auth/refresh`, json({ refresh_token: current.refreshToken }));
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: "invalid_grant" });
    });
  });
}

describe("Hono example", () => {
  it("keeps the refresh token in an HttpOnly cookie scoped to /auth and rotates it", async () => {
    const clock = new TestClock();
    const tokens = await manager(clock);
    const server = await serve(createHonoApp(tokens).fetch);
    closers.push(() => server.close());
    const login = await fetch(`${server.url}/auth/login`, json(CREDENTIALS));
    const cookie = login.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^refresh_token=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/auth; HttpOnly; SameSite=Strict$/);
    const body = (await login.json()) as Record<string, string | number>;
    expect(body).not.toHaveProperty("refresh_token");

    // The browser's cookie jar: send the cookie, take the rotated one.
    let jar = cookie.split(";")[0] as string;
    const client = new TokenClient({
      refresh: async (): Promise<StoredTokens | null> => {
        const response = await fetch(`${server.url}/auth/refresh`, { method: "POST", headers: { cookie: jar } });
        if (response.status === 401) return null;
        jar = (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
        const data = (await response.json()) as { access_token: string; expires_in: number };
        return { accessToken: data.access_token, refreshToken: jar, expiresAt: clock.now().getTime() + data.expires_in * 1000 };
      },
      allowedOrigins: [server.url], // a custom refresh function names no endpoint to take the origin from
      now: () => clock.now().getTime(),
    });
    await client.setTokens({ accessToken: String(body.access_token), refreshToken: jar, expiresAt: clock.now().getTime() + 900_000 });
    expect(await (await client.fetch(`${server.url}/api/me`)).json()).toEqual({ user: "ada", role: "admin" });
    const before = jar;
    clock.advance(901);
    expect((await client.fetch(`${server.url}/api/me`)).status).toBe(200);
    expect(jar).not.toBe(before);

    const logout = await fetch(`${server.url}/auth/logout`, { method: "POST", headers: { cookie: jar } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/^refresh_token=; Max-Age=0;/);
    expect((await fetch(`${server.url}/auth/refresh`, { method: "POST", headers: { cookie: jar } })).status).toBe(401);
  });
});
