import { httpRefresh, TokenClient } from "tokenwise/client";
import { afterEach, describe, expect, it } from "vitest";
import { createSeed001App } from "../../examples/seed-001/app.js";
import { TestClock } from "../core/fixtures.js";
import { serve, type RunningServer } from "../support/serve.js";

let server: RunningServer | undefined;
afterEach(() => server?.close());

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("seed 001 API end to end (stateless tokens)", () => {
  it("register and login return an access and a refresh JWT; refresh works until the refresh token expires", async () => {
    const serverClock = new TestClock();
    const { fetch: handler } = await createSeed001App({ now: serverClock.now });
    server = await serve(handler);
    const url = server.url;
    const registered = await post(`${url}/auth/register`, { email: "grace@example.com", password: "hopper1906" });
    expect(registered.status).toBe(200);
    expect(await registered.json()).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect((await post(`${url}/auth/register`, { email: "grace@example.com", password: "hopper1906" })).status).toBe(409);
    expect((await post(`${url}/auth/login`, { email: "grace@example.com", password: "wrong-password" })).status).toBe(401);

    const login = (await (await post(`${url}/auth/login`, { email: "grace@example.com", password: "hopper1906" })).json()) as Record<string, string>;
    expect(login.refresh_token?.split(".")).toHaveLength(3);
    const expired: string[] = [];
    const client = new TokenClient({
      refresh: httpRefresh({ url: `${url}/auth/refresh` }),
      onSessionExpired: () => expired.push("login"),
      now: () => Date.UTC(2026, 0, 1),
    });
    await client.setTokens({ accessToken: String(login.access_token), refreshToken: String(login.refresh_token), expiresAt: Date.UTC(2026, 0, 1, 0, 15) });
    expect(await (await client.fetch(`${url}/users/me`)).json()).toEqual({ email: "grace@example.com" });

    serverClock.advance(16 * 60);
    expect((await client.fetch(`${url}/users/me`)).status).toBe(200);
    expect(server.hits.get("POST /auth/refresh")).toBe(1);
    expect((await client.getTokens())?.refreshToken).toBe(login.refresh_token);

    const asAccess = await fetch(`${url}/users/me`, { headers: { authorization: `Bearer ${login.refresh_token}` } });
    expect(asAccess.status).toBe(401);

    serverClock.advance(7 * 86_400);
    expect((await client.fetch(`${url}/users/me`)).status).toBe(401);
    expect(expired).toEqual(["login"]);
    client.close();
  });
});
