import { parseBearerToken } from "tokenwise/http";
import { describe, expect, it } from "vitest";

const request = (authorization?: string) => new Request("http://127.0.0.1/", authorization === undefined ? {} : { headers: { authorization } });

describe("parseBearerToken (RFC 6750 §2.1)", () => {
  it("returns the b64token of a Bearer credential, from a Request, Headers or the header value", () => {
    expect(parseBearerToken(request("Bearer abc.DEF-_~+/="))).toBe("abc.DEF-_~+/=");
    expect(parseBearerToken(new Headers({ authorization: "Bearer t0k" }))).toBe("t0k");
    expect(parseBearerToken("Bearer t0k")).toBe("t0k");
  });

  it("treats the scheme case-insensitively and allows several spaces before the token", () => {
    expect(parseBearerToken("bearer t")).toBe("t");
    expect(parseBearerToken("BEARER   t")).toBe("t");
  });

  it("answers a missing header, or another scheme, with missing_token (401, no error code)", () => {
    for (const value of [request(), request(""), "Basic dXNlcjpwYXNz", "Digest username=x", null, undefined]) {
      expect(() => parseBearerToken(value as string)).toThrow(expect.objectContaining({ code: "missing_token", status: 401 }));
    }
  });

  it("answers a malformed Bearer credential with invalid_request (400)", () => {
    for (const value of ["Bearer", "Bearer ", "Bearer a b", "Bearer a,b", "Bearer t ", " Bearer t", "Bearer tök", "Bearer =abc", "Bearer\tt", "Bearer a, Bearer b"]) {
      expect(() => parseBearerToken(value), value).toThrow(expect.objectContaining({ code: "invalid_request", status: 400 }));
    }
  });

  it("refuses two Authorization headers, which Headers joins into one value", () => {
    const headers = new Headers();
    headers.append("authorization", "Bearer one");
    headers.append("authorization", "Bearer two");
    expect(() => parseBearerToken(headers)).toThrow(expect.objectContaining({ code: "invalid_request" }));
  });
});
