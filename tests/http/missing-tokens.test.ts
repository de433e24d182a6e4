import { parseBearerToken, readRefreshToken } from "tokenwise/http";
import { describe, expect, it } from "vitest";

describe("tokenwise/http says a token is missing when the request carries none", () => {
  it("parseBearerToken without an Authorization header: missing_token, 'No access token was presented'", () => {
    for (const source of [new Request("http://127.0.0.1/"), new Headers(), null, undefined, ""]) {
      expect(() => parseBearerToken(source)).toThrow(expect.objectContaining({ code: "missing_token", message: "No access token was presented" }));
    }
  });

  it("readRefreshToken of a request without one: invalid_request naming where it looked", async () => {
    const empty = new Request("http://127.0.0.1/auth/refresh", { method: "POST" });
    await expect(readRefreshToken(empty, { from: ["body", "cookie", "authorization"] })).rejects.toMatchObject({
      code: "invalid_request",
      message: "No refresh token in the request (looked in: body, cookie, authorization)",
    });
    const emptyJson = new Request("http://127.0.0.1/auth/refresh", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    await expect(readRefreshToken(emptyJson)).rejects.toMatchObject({ code: "invalid_request", message: expect.stringMatching(/^No refresh token in the request/) });
  });
});
