import { httpRefresh } from "tokenwise/client";
import { afterEach, describe, expect, it } from "vitest";
import { serve } from "../support/serve.js";
import { closeAll, closeLater } from "./api.js";

afterEach(closeAll);

const answering = async (handler: (request: Request) => Response | Promise<Response>) => closeLater(await serve(handler));

describe("httpRefresh", () => {
  it("speaks seed-style shapes: token in the Authorization header, custom field names, expiry from the JWT", async () => {
    const seen: string[] = [];
    const server = await answering((request) => {
      seen.push(request.headers.get("authorization") ?? "");
      return Response.json({ token: "aaa.eyJleHAiOjE3MDAwMDAwMDB9.sig" });
    });
    const refresh = httpRefresh({ url: `${server.url}/refresh_token`, send: "authorization", fields: { accessToken: "token" } });
    expect(await refresh("rt-1")).toEqual({ accessToken: "aaa.eyJleHAiOjE3MDAwMDAwMDB9.sig", refreshToken: "rt-1", expiresAt: 1_700_000_000_000 });
    expect(seen).toEqual(["Bearer rt-1"]);
  });

  it("sends an RFC 6749 form body when asked", async () => {
    const bodies: string[] = [];
    const server = await answering(async (request) => {
      bodies.push(await request.text());
      return Response.json({ access_token: "a", refresh_token: "r2", expires_in: 60 });
    });
    const tokens = await httpRefresh({ url: server.url, send: "form", now: () => 1000 })("r1");
    expect(bodies).toEqual(["grant_type=refresh_token&refresh_token=r1"]);
    expect(tokens).toEqual({ accessToken: "a", refreshToken: "r2", expiresAt: 61_000 });
  });

  it("names its endpoint, so that the client may send the access token to that origin", () => {
    expect(httpRefresh({ url: "https://auth.example.test/refresh" }).url).toBe("https://auth.example.test/refresh");
  });

  it("resolves null when the refresh token is refused, and rejects with refresh_failed on anything transient", async () => {
    const answers = [new Response("{}", { status: 401 }), new Response("{}", { status: 503 }), Response.json({ nothing: 1 }), new Response("<html>")];
    const server = await answering(() => answers.shift() as Response);
    const refresh = httpRefresh({ url: server.url });
    expect(await refresh("r")).toBeNull();
    await expect(refresh("r")).rejects.toMatchObject({ code: "refresh_failed", status: 503, reason: "response", message: expect.stringContaining("HTTP 503") });
    await expect(refresh("r")).rejects.toMatchObject({ code: "refresh_failed", reason: "response", message: expect.stringContaining('"access_token"') });
    await expect(refresh("r")).rejects.toMatchObject({ code: "refresh_failed", reason: "response" });
    const closed = await answering(() => new Response());
    await closed.close();
    await expect(httpRefresh({ url: closed.url })("r")).rejects.toMatchObject({ code: "refresh_failed", reason: "network" });
  });

  it("aborts its request with the signal the client gives it", async () => {
    const server = await answering(() => new Promise<Response>(() => undefined));
    const controller = new AbortController();
    const pending = httpRefresh({ url: server.url })("r", { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "refresh_failed", reason: "network", cause: expect.objectContaining({ name: "AbortError" }) });
  });
});
