import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { TokenClient, type StoredTokens } from "tokenwise/client";
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

type Tokens = TokenManager<{ role: string }>;

async function manager(clock: TestClock): Promise<Tokens> {
  return new TokenManager<{ role: string }>({
    issuer: "http://127.0.0.1",
    audience: "api",
    signingKeys: [await generateSigningKey("EdDSA")],
    store: new MemoryRefreshTokenStore(),
    now: clock.now,
  });
}

const startExpress = async (tokens: Tokens): Promise<string> => {
  const server = createExpressApp(tokens).listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const startFastify = async (tokens: Tokens): Promise<string> => {
  const app = createFastifyApp(tokens);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  return url;
};

const startHono = async (tokens: Tokens): Promise<string> => {
  const server = await serve(createHonoApp(tokens).fetch);
  closers.push(() => server.close());
  return server.url;
};

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const CREDENTIALS = { username: "ada", password: "correct horse battery staple" };

for (const [name, start] of [["Express 5", startExpress], ["Fastify 5", startFastify], ["Hono", startHono]] as const) {
  describe(`${name} example`, () => {
    it("keeps the refresh token in an HttpOnly cookie on /auth, rotates it on expiry, and logout clears it and revokes", async () => {
      const clock = new TestClock();
      const tokens = await manager(clock);
      const url = await start(tokens);
      expect((await fetch(`${url}/auth/login`, json({ username: "ada", password: "wrong" }))).status).toBe(401);
      const login = await fetch(`${url}/auth/login`, json(CREDENTIALS));
      expect(login.headers.get("set-cookie")).toMatch(/^refresh_token=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/auth; HttpOnly; SameSite=Strict$/);
      const body = (await login.json()) as Record<string, string | number>;
      expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
      expect(body).not.toHaveProperty("refresh_token");

      // The browser's cookie jar: send the cookie, take the rotated one.
      let jar = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const client = new TokenClient({
        refresh: async (): Promise<StoredTokens | null> => {
          const response = await fetch(`${url}/auth/refresh`, { method: "POST", headers: { cookie: jar } });
          if (response.status === 401) return null;
          jar = (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
          const data = (await response.json()) as { access_token: string; expires_in: number };
          return { accessToken: data.access_token, refreshToken: jar, expiresAt: clock.now().getTime() + data.expires_in * 1000 };
        },
        allowedOrigins: [url], // a custom refresh function names no endpoint to take the origin from
        now: () => clock.now().getTime(),
      });
      await client.setTokens({ accessToken: String(body.access_token), refreshToken: jar, expiresAt: clock.now().getTime() + 900_000 });
      expect(await (await client.fetch(`${url}/api/me`)).json()).toEqual({ user: "ada", role: "admin" });
      const before = jar;
      clock.advance(901);
      expect((await client.fetch(`${url}/api/me`)).status).toBe(200);
      expect(jar).not.toBe(before);
      expect((await fetch(`${url}/api/me`)).status).toBe(401);

      const logout = await fetch(`${url}/auth/logout`, { method: "POST", headers: { cookie: jar } });
      expect(logout.status).toBe(204);
      expect(logout.headers.get("set-cookie")).toMatch(/^refresh_token=; Max-Age=0; Path=\/auth;/);
      const refused = await fetch(`${url}/auth/refresh`, { method: "POST", headers: { cookie: jar } });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: "invalid_grant" });
    });
  });
}
