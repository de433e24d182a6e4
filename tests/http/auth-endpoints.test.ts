import { createAuthEndpoints } from "tokenwise/http";
import { describe, expect, it } from "vitest";
import { createHarness } from "../core/fixtures.js";

const post = (headers: Record<string, string> = {}, body?: string): Request => new Request("https://api.example.test/auth/refresh", { method: "POST", headers, ...(body ? { body } : {}) });

describe("createAuthEndpoints", () => {
  it("with cookie: false, login and refresh keep the refresh token in the body and ignore a cookie", async () => {
    const { tokens } = await createHarness();
    const auth = createAuthEndpoints(tokens, { cookie: false });
    const login = auth.login(await tokens.issue({ subject: "u" }));
    expect(login.headers.get("set-cookie")).toBeNull();
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    const byCookie = await auth.refresh(post({ cookie: `__Secure-refresh_token=${refresh_token}` }));
    expect(byCookie.status).toBe(400);
    const byBody = await auth.refresh(post({ "content-type": "application/json" }, JSON.stringify({ refresh_token })));
    expect(byBody.status).toBe(200);
    expect(await byBody.json()).toHaveProperty("refresh_token");
  });

  it("logout answers 503 and keeps the cookie when the store fails, so the client can retry", async () => {
    const { tokens, store } = await createHarness();
    const auth = createAuthEndpoints(tokens);
    const pair = await tokens.issue({ subject: "u" });
    store.findToken = async () => {
      throw new Error("connection lost");
    };
    const response = await auth.logout(post({ cookie: `__Secure-refresh_token=${pair.refreshToken}` }));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "temporarily_unavailable" });
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("logout of a malformed token or in stateless mode still clears the cookie: there is nothing else to end", async () => {
    for (const mode of ["opaque", "stateless"] as const) {
      const { tokens } = await createHarness({ refreshTokenMode: mode });
      const auth = createAuthEndpoints(tokens);
      const pair = await tokens.issue({ subject: "u" });
      for (const token of ["not-a-token", pair.refreshToken]) {
        const response = await auth.logout(post({ cookie: `__Secure-refresh_token=${token}` }));
        expect([response.status, response.headers.get("set-cookie")]).toEqual([204, "__Secure-refresh_token=; Max-Age=0; Path=/auth; HttpOnly; Secure; SameSite=Strict"]);
      }
    }
  });

  it("refuses unusable cookie options and allowed origins when created", async () => {
    const { tokens } = await createHarness();
    expect(() => createAuthEndpoints(tokens, { cookie: { path: "auth" } })).toThrow(expect.objectContaining({ code: "invalid_config", option: "cookie.path" }));
    expect(() => createAuthEndpoints(tokens, { allowedOrigins: ["https://app.example.test/"] })).toThrow(expect.objectContaining({ code: "invalid_config", option: "allowedOrigins[0]" }));
  });
});
