import { verifyRequestOrigin } from "tokenwise/http";
import { describe, expect, it } from "vitest";

const request = (headers: Record<string, string>): Request => new Request("https://api.example.test/auth/refresh", { method: "POST", headers });
const codeOf = (run: () => void): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("verifyRequestOrigin", () => {
  it("passes a same-origin or user-initiated request by Sec-Fetch-Site, whatever Origin says", () => {
    expect(codeOf(() => verifyRequestOrigin(request({ "sec-fetch-site": "same-origin", origin: "https://evil.test" })))).toBeNull();
    expect(codeOf(() => verifyRequestOrigin(request({ "sec-fetch-site": "none" })))).toBeNull();
  });

  it("refuses same-site and cross-site requests unless their Origin is allowed", () => {
    for (const site of ["same-site", "cross-site"]) {
      expect(codeOf(() => verifyRequestOrigin(request({ "sec-fetch-site": site, origin: "https://app.example.test" })))).toBe("cross_site_request");
      expect(codeOf(() => verifyRequestOrigin(request({ "sec-fetch-site": site })), )).toBe("cross_site_request");
      const allowed = { allowedOrigins: ["https://app.example.test"] };
      expect(codeOf(() => verifyRequestOrigin(request({ "sec-fetch-site": site, origin: "https://app.example.test" }), allowed))).toBeNull();
    }
  });

  it("without Sec-Fetch-Site, passes the request's own or an allowed Origin and refuses any other, and null", () => {
    expect(codeOf(() => verifyRequestOrigin(request({ origin: "https://api.example.test" })))).toBeNull();
    expect(codeOf(() => verifyRequestOrigin(request({ origin: "https://app.example.test" }), { allowedOrigins: ["https://app.example.test"] }))).toBeNull();
    expect(codeOf(() => verifyRequestOrigin(request({ origin: "http://api.example.test" })))).toBe("cross_site_request");
    expect(codeOf(() => verifyRequestOrigin(request({ origin: "null" })))).toBe("cross_site_request");
  });

  it("passes a request with neither header: no browser page sent it", () => {
    expect(codeOf(() => verifyRequestOrigin(request({})))).toBeNull();
  });

  it("refuses an allowed origin that is not exactly scheme://host[:port] with invalid_config", () => {
    for (const origin of ["https://app.example.test/", "app.example.test", "https://app.example.test/path", "*"]) {
      expect(codeOf(() => verifyRequestOrigin(request({}), { allowedOrigins: [origin] }))).toBe("invalid_config");
    }
  });

  it("is a 403 error with a stable code", () => {
    try {
      verifyRequestOrigin(request({ "sec-fetch-site": "cross-site" }));
    } catch (error) {
      expect(error).toMatchObject({ name: "CrossSiteRequestError", code: "cross_site_request", status: 403 });
    }
    expect.assertions(1);
  });
});
