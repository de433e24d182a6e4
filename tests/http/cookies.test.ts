import { readCookie, readRefreshToken, serializeClearedRefreshCookie, serializeRefreshCookie } from "tokenwise/http";
import { describe, expect, it } from "vitest";

const A_WEEK = 7 * 86_400;

describe("the refresh cookie", () => {
  it("is HttpOnly, Secure, SameSite=Strict and scoped to the refresh path, living as long as the token", () => {
    expect(serializeRefreshCookie("tok", A_WEEK, { path: "/auth/refresh" })).toBe(
      "__Secure-refresh_token=tok; Max-Age=604800; Path=/auth/refresh; HttpOnly; Secure; SameSite=Strict",
    );
  });

  it("defaults to Path=/auth, which covers both /auth/refresh and /auth/logout", () => {
    expect(serializeRefreshCookie("tok", A_WEEK)).toBe("__Secure-refresh_token=tok; Max-Age=604800; Path=/auth; HttpOnly; Secure; SameSite=Strict");
    expect(serializeClearedRefreshCookie()).toBe("__Secure-refresh_token=; Max-Age=0; Path=/auth; HttpOnly; Secure; SameSite=Strict");
  });

  it("is cleared with the same attributes and Max-Age=0", () => {
    expect(serializeClearedRefreshCookie({ path: "/auth/refresh", name: "rt", sameSite: "Lax" })).toBe(
      "rt=; Max-Age=0; Path=/auth/refresh; HttpOnly; Secure; SameSite=Lax",
    );
  });

  it("refuses unsafe or inconsistent options with invalid_config", () => {
    const cases = [
      { path: "" },
      { path: "auth" },
      { path: "/a; Domain=evil.test" },
      { path: "/", name: "bad name" },
      { path: "/", secure: false },
      { path: "/", name: "rt", secure: false, sameSite: "None" as const },
      { path: "/auth", name: "__Host-rt" },
      { path: "/", name: "__Host-rt", domain: "example.test" },
      { path: "/", domain: "evil.test; Secure" },
    ];
    for (const options of cases) {
      expect(() => serializeRefreshCookie("t", A_WEEK, options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: "invalid_config" }));
    }
    expect(serializeRefreshCookie("t", A_WEEK, { path: "/", name: "rt", secure: false })).not.toContain("Secure");
    // secure: false alone keeps the default __Secure- name: the error says what else it takes.
    expect(() => serializeRefreshCookie("t", A_WEEK, { path: "/", secure: false })).toThrow(/unprefixed name such as "refresh_token"/);
  });

  it("is read back by name", () => {
    const request = new Request("http://127.0.0.1/", { headers: { cookie: "a=1; __Secure-refresh_token=tok=; b=2" } });
    expect(readCookie(request, "__Secure-refresh_token")).toBe("tok=");
    expect(readCookie(request, "missing")).toBeNull();
  });
});

const post = (body: string | undefined, headers: Record<string, string> = {}) => new Request("http://127.0.0.1/refresh", { method: "POST", body, headers });

describe("readRefreshToken", () => {
  it("reads refresh_token from a JSON body", async () => {
    expect(await readRefreshToken(post('{"refresh_token":"abc"}', { "content-type": "application/json" }))).toBe("abc");
  });

  it("reads an RFC 6749 §6 form body and insists on grant_type=refresh_token", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect(await readRefreshToken(post("grant_type=refresh_token&refresh_token=a%2Bb", form))).toBe("a+b");
    await expect(readRefreshToken(post("grant_type=password&refresh_token=x", form))).rejects.toMatchObject({ code: "invalid_request" });
  });

  it("falls back to the cookie, and reads the Authorization header when told to (seed 000)", async () => {
    expect(await readRefreshToken(post(undefined, { cookie: "__Secure-refresh_token=ck" }))).toBe("ck");
    expect(await readRefreshToken(post(undefined, { authorization: "Bearer hdr" }), { from: ["authorization"] })).toBe("hdr");
  });

  it("answers malformed, oversized or empty requests with invalid_request", async () => {
    const json = { "content-type": "application/json" };
    const bad = [
      post("{not json", json),
      post("[1,2]", json),
      post('{"refresh_token":42}', json),
      post('{"refresh_token":""}', json),
      post(JSON.stringify({ refresh_token: "x".repeat(20_000) }), json),
      post("refresh_token=x", { "content-type": "text/plain" }),
      post(undefined),
      post("{}", json),
    ];
    for (const request of bad) await expect(readRefreshToken(request)).rejects.toMatchObject({ code: "invalid_request", status: 400 });
  });

  it("refuses a streamed body at the limit even without Content-Length, then drains at most 1 MiB of it", async () => {
    let pulled = 0;
    let cancelled!: () => void;
    const cancel = new Promise<void>((resolve) => (cancelled = resolve));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(0x61));
      },
      cancel: () => cancelled(),
    });
    const request = new Request("http://127.0.0.1/", { method: "POST", body: endless, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    await expect(readRefreshToken(request, { maxBodyBytes: 4096 })).rejects.toMatchObject({ code: "invalid_request" });
    await cancel;
    expect(pulled).toBeGreaterThan(1000);
    expect(pulled).toBeLessThan(1040);
  });
});
