import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { httpRefresh, TokenClient, type StoredTokens } from "tokenwise/client";
import { afterEach, describe, expect, it } from "vitest";
import { createSeed002App, reuseGraceSecondsFrom, type Seed002Options } from "../../examples/seed-002/app.js";
import { TestClock } from "../core/fixtures.js";
import { serve, type RunningServer } from "../support/serve.js";

let server: RunningServer | undefined;
afterEach(() => server?.close());

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

type LoginBody = { token: string; refresh_token: string; token_expires_in: number };

async function start(options: Pick<Seed002Options, "reuseGraceSeconds"> = {}) {
  const serverClock = new TestClock();
  const clientClock = new TestClock();
  const app = await createSeed002App({ now: serverClock.now, ...options });
  server = await serve(app.fetch);
  const url = `${server.url}/api/v1`;
  const expired: string[] = [];
  const client = new TokenClient({
    refresh: httpRefresh({ url: `${url}/refresh_token`, fields: { accessToken: "token", expiresIn: "token_expires_in" }, now: () => clientClock.now().getTime() }),
    onSessionExpired: () => expired.push("redirect to login"),
    refreshMargin: 5 * 60, // the seed: refresh when token_expires_in is within 2–5 minutes
    now: () => clientClock.now().getTime(),
  });
  const login = async (path: string, credentials: unknown) => {
    const response = await post(`${url}/${path}`, credentials);
    const body = (await response.json()) as LoginBody;
    return { status: response.status, body };
  };
  const adopt = (body: LoginBody) =>
    client.setTokens({ accessToken: body.token, refreshToken: body.refresh_token, expiresAt: clientClock.now().getTime() + body.token_expires_in * 1000 });
  return { app, url, client, serverClock, clientClock, expired, login, adopt };
}

describe("seed 002 API end to end", () => {
  it("both login kinds answer { token, refresh_token, token_expires_in: 86400 }", async () => {
    const { login } = await start();
    const staff = await login("login", { phone: "+919876543210", password: "password123", role: "admin" });
    const customer = await login("customer_login", { phone: "+919876543220", password: "password123" });
    for (const { status, body } of [staff, customer]) {
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(["refresh_token", "token", "token_expires_in"]);
      expect(body.token_expires_in).toBe(86_400);
    }
    expect((await login("login", { phone: "+919876543210", password: "password123", role: "delivery" })).status).toBe(401);
    expect((await login("customer_login", { phone: "+919876543220", password: "nope" })).status).toBe(401);
  });

  it("a rotated-out refresh token is refused at once with 401, and presenting it revokes the session (the seed's default)", async () => {
    const { url, login } = await start();
    const { body } = await login("customer_login", { phone: "+919876543220", password: "password123" });
    const rotated = await post(`${url}/refresh_token`, { refresh_token: body.refresh_token });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as LoginBody;

    const replay = await post(`${url}/refresh_token`, { refresh_token: body.refresh_token }); // same instant: no grace
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    expect((await post(`${url}/refresh_token`, { refresh_token: next.refresh_token })).status).toBe(401);
    expect((await fetch(`${url}/profile`, { headers: { authorization: `Bearer ${next.token}` } })).status).toBe(401);
  });

  it("with a grace window, the rotated-out token presented again at once yields the same successor", async () => {
    const { url, login } = await start({ reuseGraceSeconds: 10 });
    const { body } = await login("customer_login", { phone: "+919876543220", password: "password123" });
    const first = (await (await post(`${url}/refresh_token`, { refresh_token: body.refresh_token })).json()) as LoginBody;
    const again = await post(`${url}/refresh_token`, { refresh_token: body.refresh_token });
    expect(again.status).toBe(200);
    expect(((await again.json()) as LoginBody).refresh_token).toBe(first.refresh_token);
  });

  it("the server takes the grace window from REUSE_GRACE_SECONDS, 0 when unset", async () => {
    expect(reuseGraceSecondsFrom({})).toBe(0);
    expect(reuseGraceSecondsFrom({ REUSE_GRACE_SECONDS: "" })).toBe(0);
    expect(reuseGraceSecondsFrom({ REUSE_GRACE_SECONDS: "10" })).toBe(10);
    for (const bad of ["-1", "1.5", "ten"]) expect(() => reuseGraceSecondsFrom({ REUSE_GRACE_SECONDS: bad })).toThrow(/REUSE_GRACE_SECONDS/);

    const child = spawn(process.execPath, ["--import", "tsx", join("examples", "seed-002", "server.ts")], {
      cwd: join(import.meta.dirname, "../.."),
      env: { ...process.env, PORT: "0", REUSE_GRACE_SECONDS: "10" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      expect(line.toString()).toContain("(reuse grace 10 s)");
      const url = `${/http:\/\/127\.0\.0\.1:\d+/.exec(line.toString())?.[0]}/api/v1`;
      const { refresh_token } = (await (await post(`${url}/customer_login`, { phone: "+919876543220", password: "password123" })).json()) as LoginBody;
      expect((await post(`${url}/refresh_token`, { refresh_token })).status).toBe(200);
      expect((await post(`${url}/refresh_token`, { refresh_token })).status).toBe(200); // within the window
    } finally {
      child.kill();
    }
  });

  it("walks the client flow: 401, one refresh that rotates, one retry, reuse revokes, log in again", async () => {
    const { url, client, serverClock, expired, login, adopt } = await start({ reuseGraceSeconds: 10 });
    const { body } = await login("login", { phone: "+919876543210", password: "password123", role: "admin" });
    await adopt(body);
    expect(await (await client.fetch(`${url}/profile`)).json()).toEqual({ phone: "+919876543210", kind: "staff", role: "admin" });

    serverClock.advance(24 * 3600 + 10); // the server sees the token expire; the client's clock does not
    expect((await client.fetch(`${url}/profile`)).status).toBe(200);
    expect(server?.hits.get("GET /api/v1/profile")).toBe(3);
    expect(server?.hits.get("POST /api/v1/refresh_token")).toBe(1);
    const rotated = (await client.getTokens()) as StoredTokens;
    expect(rotated.refreshToken).not.toBe(body.refresh_token);

    serverClock.advance(11); // past the grace window, a thief replays the old refresh token
    const replay = await post(`${url}/refresh_token`, { refresh_token: body.refresh_token });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });

    // The whole session is revoked: the legitimate client is sent to log in.
    expect((await client.fetch(`${url}/profile`)).status).toBe(401);
    expect(expired).toEqual(["redirect to login"]);
  });

  it("refreshes proactively when token_expires_in is within the margin", async () => {
    const { url, client, clientClock, serverClock, login, adopt } = await start();
    await adopt((await login("customer_login", { phone: "+919876543220", password: "password123" })).body);
    clientClock.advance(24 * 3600 - 4 * 60);
    serverClock.advance(24 * 3600 - 4 * 60);
    expect((await client.fetch(`${url}/profile`)).status).toBe(200);
    expect(server?.hits.get("POST /api/v1/refresh_token")).toBe(1);
    expect(server?.hits.get("GET /api/v1/profile")).toBe(1);
  });

  it("20 concurrent API calls with an expired token cause exactly one refresh request", async () => {
    const { url, client, clientClock, serverClock, login, adopt } = await start();
    await adopt((await login("customer_login", { phone: "+919876543220", password: "password123" })).body);
    clientClock.advance(25 * 3600);
    serverClock.advance(25 * 3600);
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.fetch(`${url}/profile`)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(server?.hits.get("POST /api/v1/refresh_token")).toBe(1);
  });

  it("regenerate_token reissues the access token while it is valid", async () => {
    const { url, login, serverClock } = await start();
    const { body } = await login("customer_login", { phone: "+919876543220", password: "password123" });
    serverClock.advance(3600);
    const regenerated = await post(`${url}/regenerate_token`, "", { authorization: `Bearer ${body.token}` });
    expect(regenerated.status).toBe(200);
    const fresh = (await regenerated.json()) as Record<string, unknown>;
    expect(Object.keys(fresh).sort()).toEqual(["token", "token_expires_in"]);
    serverClock.advance(24 * 3600);
    expect((await post(`${url}/regenerate_token`, "", { authorization: `Bearer ${body.token}` })).status).toBe(401);
  });

  it("logout revokes the session: refresh is refused and protected calls fail", async () => {
    const { url, client, login, adopt, expired } = await start();
    const { body } = await login("customer_login", { phone: "+919876543220", password: "password123" });
    await adopt(body);
    expect((await client.fetch(`${url}/logout`, { method: "POST" })).status).toBe(200);
    expect((await post(`${url}/refresh_token`, { refresh_token: body.refresh_token })).status).toBe(401);
    expect((await client.fetch(`${url}/profile`)).status).toBe(401);
    expect(expired).toEqual(["redirect to login"]);
  });

  it("answers a malformed refresh body with 422", async () => {
    const { url } = await start();
    for (const payload of ["{not json", "[]", '{"refresh_token":5}', "{}"]) {
      const response = await post(`${url}/refresh_token`, payload);
      expect(response.status, payload).toBe(422);
      expect(await response.json()).toMatchObject({ error: "invalid_request" });
    }
  });
});
