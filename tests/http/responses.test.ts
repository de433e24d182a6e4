import {
  CrossSiteRequestError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  RefreshTokenReusedError,
  StoreError,
  TokenExpiredError,
} from "tokenwise";
import { bearerErrorResponse, noStoreJson, tokenErrorResponse, tokenResponse } from "tokenwise/http";
import { describe, expect, it } from "vitest";
import { createHarness } from "../core/fixtures.js";

describe("tokenResponse (RFC 6749 §5.1)", () => {
  it("carries access_token, token_type, expires_in and refresh_token, with no-store caching", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const response = tokenResponse(pair);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ access_token: pair.accessToken, token_type: "Bearer", expires_in: 900, refresh_token: pair.refreshToken });
  });

  it("moves the refresh token into an HttpOnly cookie when asked, varies on Cookie, and adds scope", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const response = tokenResponse(pair, { cookie: { path: "/auth/refresh" }, scope: "read write" });
    const body = await response.json();
    expect(body).not.toHaveProperty("refresh_token");
    expect(body.scope).toBe("read write");
    expect(response.headers.get("set-cookie")).toMatch(new RegExp(`^__Secure-refresh_token=${pair.refreshToken}; Max-Age=604800; Path=/auth/refresh; HttpOnly; Secure; SameSite=Strict$`));
    expect([response.headers.get("cache-control"), response.headers.get("vary")]).toEqual(["no-store", "Cookie"]);
    expect(tokenResponse(pair).headers.get("vary")).toBeNull();
  });

  it("shapes a reissued access token without a refresh token", async () => {
    const { tokens } = await createHarness();
    const grant = await tokens.reissueAccessToken((await tokens.issue({ subject: "u" })).accessToken);
    expect(Object.keys(await tokenResponse(grant).json())).toEqual(["access_token", "token_type", "expires_in"]);
  });

  it("noStoreJson sends any shape with no-store caching and the given status", async () => {
    const response = noStoreJson({ token: "t" }, { status: 201 });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ token: "t" });
  });
});

describe("bearerErrorResponse (RFC 6750 §3)", () => {
  it("challenges an invalid or expired token with error=invalid_token and a description", async () => {
    for (const error of [new InvalidTokenError("Invalid access token: bad signature"), new TokenExpiredError()]) {
      const response = bearerErrorResponse(error, { realm: "shop" });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(`Bearer realm="shop", error="invalid_token", error_description="${error.message}"`);
      expect(await response.json()).toEqual({ error: "invalid_token", error_description: error.message });
    }
  });

  it("challenges a request without a token with the realm only (§3.1)", () => {
    const response = bearerErrorResponse(new MissingTokenError());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="api"');
  });

  it("answers insufficient_scope with 403 and the required scope, invalid_request with 400", () => {
    const forbidden = bearerErrorResponse(new InsufficientScopeError(["orders:write", "admin"]));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(forbidden.headers.get("www-authenticate")).toContain('scope="orders:write admin"');
    expect(bearerErrorResponse(new InvalidRequestError("bad header")).status).toBe(400);
  });

  it("keeps descriptions to the characters RFC 6750 allows, so headers cannot be split or quoted out", () => {
    const header = bearerErrorResponse(new InvalidTokenError('evil" \\ \r\nSet-Cookie: x=1 ünïcode')).headers.get("www-authenticate") ?? "";
    expect(header).toBe('Bearer realm="api", error="invalid_token", error_description="evil  Set-Cookie: x=1 ncode"');
  });

  it("hides store failures behind 503 and anything unexpected behind 500, never leaking the cause", async () => {
    const unavailable = bearerErrorResponse(new StoreError("pg: password authentication failed", { cause: new Error("secret detail") }));
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).not.toContain("pg:");
    const crashed = bearerErrorResponse(new TypeError("x is undefined"));
    expect(crashed.status).toBe(500);
    expect(await crashed.json()).toEqual({ error: "server_error", error_description: "Internal error" });
  });
});

describe("tokenErrorResponse (RFC 6749 §5.2)", () => {
  it("answers a bad, reused or expired refresh token with invalid_grant, 401 by default or 400 on request", async () => {
    const reused = new RefreshTokenReusedError("s1");
    const response = tokenErrorResponse(reused);
    expect(response.status).toBe(401);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: "invalid_grant", error_description: reused.message });
    expect(tokenErrorResponse(reused, { invalidGrantStatus: 400 }).status).toBe(400);
  });

  it("answers a malformed request with invalid_request, 400 by default or 422 on request", async () => {
    const error = new InvalidRequestError("The request body is not valid JSON");
    expect(tokenErrorResponse(error).status).toBe(400);
    expect(tokenErrorResponse(error, { invalidRequestStatus: 422 }).status).toBe(422);
    expect((await tokenErrorResponse(error).json()).error).toBe("invalid_request");
  });

  it("answers a cross-site request with 403 access_denied", async () => {
    const response = tokenErrorResponse(new CrossSiteRequestError("A cross-site request may not use the refresh cookie"));
    expect([response.status, await response.json()]).toEqual([403, { error: "access_denied", error_description: "A cross-site request may not use the refresh cookie" }]);
  });

  it("answers store failures with 503 temporarily_unavailable", async () => {
    const response = tokenErrorResponse(new StoreError("down"));
    expect(response.status).toBe(503);
    expect((await response.json()).error).toBe("temporarily_unavailable");
  });
});
