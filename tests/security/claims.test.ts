/**
 * Claims are attacker-controlled as soon as a signature verifies (a leaked HS256 secret, a peer
 * service holding the same key): their types and values are checked all the same, expiry is
 * never reported before the signature is, and nothing in them reaches Object.prototype.
 */
import type { JsonObject } from "tokenwise";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, ISSUER, type TestClock } from "../core/fixtures.js";
import {
  ACCESS_TOKEN,
  attackedManager,
  claimsFor,
  craftToken,
  epochSeconds,
  headerFor,
  knownKey,
  MANAGER_ALGORITHMS,
  managerHolding,
  refusal,
  segment,
  STATELESS_REFRESH_TOKEN,
  TOKEN_KINDS,
  tokenSignedBy,
  type TokenKind,
} from "./craft.js";

/** The shared secret an attacker is assumed to hold in this file. */
const key = knownKey("HS256");

/** A number literal JSON.stringify cannot write (1e400 parses to Infinity). */
class JsonLiteral {
  constructor(readonly text: string) {}
}

/** The claims as JSON text, with every {@link JsonLiteral} written verbatim. */
function payloadText(claims: Record<string, unknown>): string {
  const literals: string[] = [];
  const json = JSON.stringify(claims, (_name, value: unknown) => (value instanceof JsonLiteral ? `\u0000${literals.push(value.text) - 1}` : value));
  return json.replace(/"\\u0000(\d+)"/g, (_match, index: string) => literals[Number(index)] ?? "");
}

function signedClaims(kind: TokenKind, clock: TestClock, overrides: Record<string, unknown>): string {
  return craftToken({ header: headerFor(kind, key), payload: payloadText(claimsFor(kind, clock, overrides)), key: key.signer });
}

type ClaimValue = (now: number, kind: TokenKind) => unknown;
const values = (claim: string, cases: Record<string, ClaimValue>) => Object.entries(cases).map(([name, value]) => ({ claim, name, value }));

/** Claims of the wrong type or value; each must be refused naming the claim. */
const CONFUSED_CLAIMS = [
  ...values("exp", {
    "a numeric string": (now) => String(now + 300),
    "an array": (now) => [now + 300],
    null: () => null,
    "a boolean": () => true,
    "an object": () => ({}),
    "1e300, beyond any Date": () => 1e300,
    "1e400, which parses to Infinity": () => new JsonLiteral("1e400"),
    missing: () => undefined,
  }),
  ...values("iat", {
    "a numeric string": (now) => String(now),
    "an array": (now) => [now],
    null: () => null,
    "an object": () => ({}),
    "an hour in the future": (now) => now + 3600,
    "6 s in the future, beyond the default 5 s clockTolerance": (now) => now + 6,
    "1e300": () => 1e300,
    "1e400, which parses to Infinity": () => new JsonLiteral("1e400"),
    missing: () => undefined,
  }),
  ...values("nbf", {
    "a numeric string": (now) => String(now),
    "an array": (now) => [now],
    null: () => null,
    "an hour in the future": (now) => now + 3600,
    "1e400, which parses to Infinity": () => new JsonLiteral("1e400"),
  }),
  ...values("sub", {
    "a number": () => 42,
    "an empty string": () => "",
    "an object": () => ({ id: "attacker" }),
    "an array": () => ["attacker"],
    null: () => null,
    "a boolean": () => true,
    missing: () => undefined,
  }),
  ...values("sid", {
    "a number": () => 42,
    "an empty string": () => "",
    "an object": () => ({ id: "session-1" }),
    "an array": () => ["session-1"],
    null: () => null,
    missing: () => undefined,
  }),
  ...values("jti", {
    "a number": () => 42,
    "an object": () => ({ id: "jti-1" }),
    "an array": () => ["jti-1"],
    null: () => null,
    "a boolean": () => true,
    missing: () => undefined,
  }),
  ...values("aud", {
    "an array without our audience": () => ["someone-else"],
    "an empty array": () => [],
    "our audience recased": (_now, kind) => kind.audience.toUpperCase(),
    "our audience with a trailing slash": (_now, kind) => `${kind.audience}/`,
    "our audience with a trailing space": (_now, kind) => `${kind.audience} `,
    "an object": (_now, kind) => ({ aud: kind.audience }),
    "a number": () => 42,
    null: () => null,
    missing: () => undefined,
  }),
  ...values("iss", {
    "our issuer recased": () => ISSUER.toUpperCase(),
    "our issuer with a trailing slash": () => `${ISSUER}/`,
    "our issuer over http": () => ISSUER.replace("https:", "http:"),
    "our issuer with a leading space": () => ` ${ISSUER}`,
    "an array holding our issuer": () => [ISSUER],
    null: () => null,
    "a number": () => 42,
    missing: () => undefined,
  }),
];

/** Values at the edge of what is valid, which must keep working. */
const EDGE_CLAIMS: { name: string; claims: (now: number, kind: TokenKind) => Record<string, unknown> }[] = [
  { name: "an aud array holding our audience among others", claims: (_now, kind) => ({ aud: ["someone-else", kind.audience] }) },
  { name: "iat 5 s in the future, within clockTolerance", claims: (now) => ({ iat: now + 5 }) },
  { name: "nbf 5 s in the future, within clockTolerance", claims: (now) => ({ nbf: now + 5 }) },
  { name: "exp 4 s in the past, within clockTolerance", claims: (now) => ({ iat: now - 300, exp: now - 4 }) },
  { name: "unknown extra claims", claims: () => ({ extra: { nested: [1, "x", null, true] } }) },
];

describe.each(TOKEN_KINDS)("$name claims", (kind) => {
  describe("are type- and value-checked: a wrong one is refused, naming the claim (RFC 8725 §3.8, §3.9)", () => {
    it.each(CONFUSED_CLAIMS)("$claim as $name", async ({ claim, value }) => {
      const { tokens, clock } = await managerHolding(key);
      const token = signedClaims(kind, clock, { [claim]: value(epochSeconds(clock), kind) });
      await expect(kind.present(tokens, token)).rejects.toMatchObject(refusal(kind, claim));
    });
  });

  describe("at the edge of validity are accepted", () => {
    it.each(EDGE_CLAIMS)("$name", async ({ claims }) => {
      const { tokens, clock } = await managerHolding(key);
      await expect(kind.present(tokens, signedClaims(kind, clock, claims(epochSeconds(clock), kind)))).resolves.toBeDefined();
    });
  });

  it("iat in the future honours clockTolerance: with 0, one second ahead is refused", async () => {
    const { tokens, clock } = await attackedManager([key], { clockTolerance: 0 });
    const now = epochSeconds(clock);
    await expect(kind.present(tokens, signedClaims(kind, clock, { iat: now }))).resolves.toBeDefined();
    await expect(kind.present(tokens, signedClaims(kind, clock, { iat: now + 1 }))).rejects.toMatchObject(refusal(kind, "iat"));
  });

  describe("expiry is reported only once the signature is proven (never token_expired for a forgery)", () => {
    it.each(MANAGER_ALGORITHMS)("%s: a genuinely signed expired token is expired; the same token forged is invalid", async (alg) => {
      const manager = knownKey(alg);
      const { tokens, clock } = await managerHolding(manager);
      const now = epochSeconds(clock);
      const expired = { iat: now - 1000, exp: now - 60 };
      const genuine = tokenSignedBy(kind, manager, clock, { claims: expired });
      await expect(kind.present(tokens, genuine)).rejects.toMatchObject({ code: kind.expired, status: 401 });

      const [header = "", payload = "", signature = ""] = genuine.split(".");
      const forgeries = {
        "signed by an attacker's key under our kid": tokenSignedBy(kind, knownKey(alg, "attacker"), clock, { header: { kid: manager.kid }, claims: expired }),
        "with a tampered signature": `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`,
        "with its payload swapped": `${header}.${segment(claimsFor(kind, clock, { ...expired, sub: "admin" }))}.${signature}`,
        "with alg none": `${segment(headerFor(kind, manager, { alg: "none" }))}.${payload}.`,
      };
      for (const [name, forged] of Object.entries(forgeries)) {
        await expect(kind.present(tokens, forged), name).rejects.toMatchObject(refusal(kind));
      }
    });
  });
});

it("reissueAccessToken also refuses a forged expired access token as invalid_token, a genuine one as token_expired", async () => {
  const { tokens, clock } = await managerHolding(key);
  const now = epochSeconds(clock);
  const expired = { iat: now - 1000, exp: now - 60 };
  const genuine = tokenSignedBy(ACCESS_TOKEN, key, clock, { claims: expired });
  const forged = tokenSignedBy(ACCESS_TOKEN, knownKey("HS256", "attacker"), clock, { header: { kid: key.kid }, claims: expired });
  await expect(tokens.reissueAccessToken(genuine)).rejects.toMatchObject({ code: "token_expired", status: 401 });
  await expect(tokens.reissueAccessToken(forged)).rejects.toMatchObject({ code: "invalid_token", status: 401 });
});

describe("maxTokenLifetime bounds exp - iat of access tokens, whoever holds the signing secret", () => {
  const limitedManager = () => createHarness({ signingKeys: [key.signingKey], maxTokenLifetime: "1h" });

  it("a token that would live longer than maxTokenLifetime is refused, naming exp", async () => {
    const { tokens, clock } = await limitedManager();
    const now = epochSeconds(clock);
    const tooLong = { "by one second": { iat: now - 10, exp: now - 10 + 3601 }, "until the year 33658": { iat: now, exp: 1e12 } };
    for (const [name, lifetime] of Object.entries(tooLong)) {
      await expect(tokens.verifyAccessToken(signedClaims(ACCESS_TOKEN, clock, lifetime)), name).rejects.toMatchObject(refusal(ACCESS_TOKEN, "exp"));
    }
  });

  it("a token living exactly maxTokenLifetime is accepted, and so are the manager's own tokens", async () => {
    const { tokens, clock } = await limitedManager();
    const now = epochSeconds(clock);
    await expect(tokens.verifyAccessToken(signedClaims(ACCESS_TOKEN, clock, { iat: now - 10, exp: now - 10 + 3600 }))).resolves.toMatchObject({ sub: "attacker" });
    const { accessToken } = await tokens.issue({ subject: "u" });
    await expect(tokens.verifyAccessToken(accessToken)).resolves.toMatchObject({ sub: "u" });
  });
});

describe("claims named __proto__, constructor or prototype pollute nothing", () => {
  const POLLUTERS = [
    '{"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"prototype":{"polluted":"yes"}}',
    '{"profile":{"__proto__":{"polluted":"yes"}}}',
    '{"profile":{"constructor":{"prototype":{"polluted":"yes"}}}}',
    '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  ];

  afterEach(() => {
    const polluted = ({} as Record<string, unknown>).polluted;
    delete (Object.prototype as Record<string, unknown>).polluted;
    expect(polluted, "Object.prototype was polluted").toBeUndefined();
  });

  it.each(POLLUTERS)("verifying an access token carrying %s returns claims that inherit nothing", async (json) => {
    const { tokens, clock } = await managerHolding(key);
    const claims = await tokens.verifyAccessToken(signedClaims(ACCESS_TOKEN, clock, JSON.parse(json)));
    expectNothingInherited(claims);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(POLLUTERS)("refreshing and reissuing from stateless tokens carrying %s pollutes nothing", async (json) => {
    const { tokens, clock } = await managerHolding(key);
    const outcomes = await Promise.allSettled([
      tokens.refresh(signedClaims(STATELESS_REFRESH_TOKEN, clock, JSON.parse(json))),
      tokens.reissueAccessToken(signedClaims(ACCESS_TOKEN, clock, JSON.parse(json))),
    ]);
    for (const outcome of outcomes) {
      if (outcome.status === "fulfilled") expectNothingInherited(await tokens.verifyAccessToken(outcome.value.accessToken));
      else expect(outcome.reason).toMatchObject({ status: expect.any(Number), code: expect.any(String) });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(POLLUTERS)("issue() with claims and metadata JSON.parse'd from %s pollutes nothing", async (json) => {
    const { tokens } = await createHarness();
    const issued = await tokens.issue({ subject: "u", claims: JSON.parse(json) as JsonObject, metadata: JSON.parse(json) as JsonObject }).then(
      (pair) => pair,
      (error: unknown) => {
        expect(error).toMatchObject({ code: "invalid_argument", status: 400 });
        return null;
      },
    );
    if (issued) {
      expectNothingInherited(await tokens.verifyAccessToken(issued.accessToken));
      expectNothingInherited(await tokens.verifyAccessToken((await tokens.refresh(issued.refreshToken)).accessToken));
      expectNothingInherited(await tokens.listSessions("u"));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Every object in the tree has a plain prototype and sees no `polluted` it does not own. */
function expectNothingInherited(value: unknown, path = "claims"): void {
  if (typeof value !== "object" || value === null || value instanceof Date) return;
  expect([Object.prototype, Array.prototype, null], `${path} has a foreign prototype`).toContain(Object.getPrototypeOf(value));
  if (!Object.hasOwn(value, "polluted")) expect((value as Record<string, unknown>).polluted, `${path}.polluted is inherited`).toBeUndefined();
  for (const [name, child] of Object.entries(value)) expectNothingInherited(child, `${path}.${name}`);
}
