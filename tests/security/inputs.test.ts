/**
 * Whatever a caller hands over — undefined, a Buffer, a String object, a Symbol, claims that
 * JSON.stringify would quietly rewrite — every method answers with a typed TokenwiseError, never
 * a raw TypeError, and changes nothing.
 */
import { isTokenwiseError, type JsonObject, type TokenManager, type TokenPair } from "tokenwise";
import { describe, expect, it } from "vitest";
import { createHarness } from "../core/fixtures.js";

/** Non-strings; several wrap the genuine value, so that a check which coerces would let them through. */
const NON_STRINGS: { name: string; make: (genuine: string) => unknown }[] = [
  { name: "undefined", make: () => undefined },
  { name: "null", make: () => null },
  { name: "a number", make: () => 42 },
  { name: "NaN", make: () => Number.NaN },
  { name: "a boolean", make: () => true },
  { name: "a bigint", make: () => 1n },
  { name: "an empty object", make: () => ({}) },
  { name: "an array holding the genuine value", make: (genuine) => [genuine] },
  { name: "a Buffer of the genuine value", make: (genuine) => Buffer.from(genuine) },
  { name: "a Uint8Array of the genuine value", make: (genuine) => new TextEncoder().encode(genuine) },
  { name: "a String object of the genuine value", make: (genuine) => new String(genuine) },
  { name: "an object whose toString returns the genuine value", make: (genuine) => ({ toString: () => genuine }) },
  { name: "a Symbol", make: (genuine) => Symbol(genuine) },
  { name: "a function returning the genuine value", make: (genuine) => () => genuine },
];

interface EntryPoint {
  method: string;
  code: "invalid_token" | "invalid_refresh_token" | "invalid_argument";
  status: number;
  /** Whether the method works without a store (the others are `unsupported_operation` there). */
  stateless: boolean;
  genuine: (pair: TokenPair) => string;
  call: (tokens: TokenManager, value: unknown) => Promise<unknown>;
}

const ENTRY_POINTS: EntryPoint[] = [
  { method: "verifyAccessToken", code: "invalid_token", status: 401, stateless: true, genuine: (pair) => pair.accessToken, call: (tokens, value) => tokens.verifyAccessToken(value) },
  { method: "reissueAccessToken", code: "invalid_token", status: 401, stateless: true, genuine: (pair) => pair.accessToken, call: (tokens, value) => tokens.reissueAccessToken(value) },
  { method: "refresh", code: "invalid_refresh_token", status: 401, stateless: true, genuine: (pair) => pair.refreshToken, call: (tokens, value) => tokens.refresh(value) },
  { method: "revoke", code: "invalid_refresh_token", status: 401, stateless: false, genuine: (pair) => pair.refreshToken, call: (tokens, value) => tokens.revoke(value) },
  { method: "revokeSession", code: "invalid_argument", status: 400, stateless: false, genuine: (pair) => pair.sessionId, call: (tokens, value) => tokens.revokeSession(value as string) },
  { method: "revokeAllSessions", code: "invalid_argument", status: 400, stateless: false, genuine: (pair) => pair.subject, call: (tokens, value) => tokens.revokeAllSessions(value as string) },
  { method: "listSessions", code: "invalid_argument", status: 400, stateless: false, genuine: (pair) => pair.subject, call: (tokens, value) => tokens.listSessions(value as string) },
  { method: "issue", code: "invalid_argument", status: 400, stateless: true, genuine: (pair) => pair.subject, call: (tokens, value) => tokens.issue(value as never) },
  { method: "issue({ subject })", code: "invalid_argument", status: 400, stateless: true, genuine: (pair) => pair.subject, call: (tokens, value) => tokens.issue({ subject: value as string }) },
];

describe.each(["opaque", "stateless"] as const)("with %s refresh tokens, a non-string is refused with a typed error and changes nothing", (mode) => {
  describe.each(ENTRY_POINTS.filter((entry) => mode === "opaque" || entry.stateless))("$method", ({ code, status, genuine, call }) => {
    it.each(NON_STRINGS)(`$name: ${code}`, async ({ make }) => {
      const { tokens } = await createHarness({ refreshTokenMode: mode });
      const pair = await tokens.issue({ subject: "u" });
      const error = await call(tokens, make(genuine(pair))).then(
        () => new Error("resolved instead of rejecting"),
        (caught: unknown) => caught,
      );
      expect(isTokenwiseError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code, status });
      if (mode === "opaque") expect((await tokens.listSessions("u")).map((session) => session.id)).toEqual([pair.sessionId]);
    });
  });
});

class Profile {
  name = "profile";
}

function cyclic(): Record<string, unknown> {
  const loop: Record<string, unknown> = { name: "loop" };
  loop.self = loop;
  return loop;
}

/** Values JSON.stringify accepts (calling, dropping or rewriting them) but that are not plain JSON. */
const NOT_PLAIN_JSON: { name: string; profile: () => unknown }[] = [
  { name: "an object with toJSON()", profile: () => ({ toJSON: () => "admin" }) },
  { name: "a function-valued property", profile: () => ({ greet: () => "hi" }) },
  { name: "a symbol-valued property", profile: () => ({ tag: Symbol("t") }) },
  { name: "a symbol key", profile: () => ({ [Symbol("k")]: 1 }) },
  { name: "a Date", profile: () => new Date(0) },
  { name: "a Map", profile: () => new Map([["role", "admin"]]) },
  { name: "a Set", profile: () => new Set(["admin"]) },
  { name: "a class instance", profile: () => new Profile() },
  { name: "a String object", profile: () => new String("admin") },
  { name: "a Uint8Array", profile: () => new Uint8Array([1, 2]) },
  { name: "NaN", profile: () => ({ score: Number.NaN }) },
  { name: "Infinity", profile: () => ({ score: Number.POSITIVE_INFINITY }) },
  { name: "-Infinity", profile: () => ({ score: Number.NEGATIVE_INFINITY }) },
  { name: "a BigInt", profile: () => ({ id: 1n }) },
  { name: "a cyclic object", profile: cyclic },
  { name: "undefined inside an array", profile: () => ({ tags: ["a", undefined] }) },
];

/** Claims that are not an object of claims at all. */
const NOT_AN_OBJECT: { name: string; value: () => unknown }[] = [
  { name: "null", value: () => null },
  { name: "a number", value: () => 42 },
  { name: "a string", value: () => "admin" },
  { name: "an array", value: () => [] },
  { name: "a function", value: () => () => ({}) },
  { name: "a Symbol", value: () => Symbol("claims") },
  { name: "a Date", value: () => new Date(0) },
  { name: "a Map", value: () => new Map() },
  { name: "a Buffer", value: () => Buffer.from("{}") },
  { name: "a String object", value: () => new String("{}") },
  { name: "a class instance", value: () => new Profile() },
];

describe.each(["claims", "metadata"] as const)("issue() takes only plain JSON %s", (field) => {
  /** Issues with `value` as `field` and expects `invalid_argument` naming `path`, with nothing stored. */
  async function expectRefusedNaming(value: unknown, path: string): Promise<void> {
    const { tokens } = await createHarness();
    await expect(tokens.issue({ subject: "u", [field]: value as JsonObject })).rejects.toMatchObject({
      code: "invalid_argument",
      status: 400,
      message: expect.stringContaining(path),
    });
    expect(await tokens.listSessions("u")).toEqual([]);
  }

  it.each(NOT_PLAIN_JSON)(`${field}.profile holding $name is invalid_argument naming "${field}.profile"`, async ({ profile }) => {
    await expectRefusedNaming({ profile: profile() }, `${field}.profile`);
  });

  it.each(NOT_AN_OBJECT)(`${field} that are $name are invalid_argument naming "${field}"`, async ({ value }) => {
    await expectRefusedNaming(value(), field);
  });
});

describe("issue() refuses claims that would make a token too long to verify (16384 characters)", () => {
  it.each(["opaque", "stateless"] as const)("with %s refresh tokens: invalid_argument at issue time, nothing stored", async (mode) => {
    const { tokens } = await createHarness({ refreshTokenMode: mode });
    await expect(tokens.issue({ subject: "u", claims: { blob: "x".repeat(13_000) } })).rejects.toMatchObject({ code: "invalid_argument", status: 400 });
    if (mode === "opaque") expect(await tokens.listSessions("u")).toEqual([]);
  });

  it("claims that keep the access token just within the limit are issued, and the token verifies", async () => {
    const { tokens } = await createHarness();
    const overhead = (await tokens.issue({ subject: "u", claims: { blob: "" } })).accessToken.length;
    const { accessToken } = await tokens.issue({ subject: "u", claims: { blob: "x".repeat(Math.floor(((16_384 - overhead) * 3) / 4) - 3) } });
    expect(accessToken.length).toBeGreaterThan(16_300);
    expect(accessToken.length).toBeLessThanOrEqual(16_384);
    await expect(tokens.verifyAccessToken(accessToken)).resolves.toMatchObject({ sub: "u" });
  });
});
