import {
  MemoryRefreshTokenStore,
  TokenManager,
  type AccessTokenGrant,
  type JsonShape,
  type TokenPair,
  type TokenwiseErrorCode,
  type VerifiedAccessToken,
} from "tokenwise";
import { requireAuth } from "tokenwise/http";
import { describe, expect, expectTypeOf, it } from "vitest";
import { createHarness } from "./fixtures.js";

/** Claims written the way most apps write them: an interface, nested, with optional and readonly members. */
interface AppClaims {
  roles: string[];
  org: { id: string; plan: "free" | "pro" };
  readonly tags: readonly string[];
  email?: string;
  pair: [number, boolean | null];
}

interface DatedClaims {
  loggedInAt: Date;
}

describe("types", () => {
  it("verifyAccessToken returns the app's claim type beside the registered claims", async () => {
    const { tokens } = await createHarness<{ roles: string[]; email: string }>();
    const pair = await tokens.issue({ subject: "u", claims: { roles: ["a"], email: "e" } });
    const claims = await tokens.verifyAccessToken(pair.accessToken);
    expectTypeOf(claims).toEqualTypeOf<VerifiedAccessToken<{ roles: string[]; email: string }>>();
    expectTypeOf(claims.roles).toEqualTypeOf<string[]>();
    expectTypeOf(claims.sid).toEqualTypeOf<string>();
    expectTypeOf(pair).toEqualTypeOf<TokenPair>();
    expectTypeOf(tokens.reissueAccessToken).returns.resolves.toEqualTypeOf<AccessTokenGrant>();
  });

  it("issue() only accepts claims of the declared type", async () => {
    const { tokens } = await createHarness<{ roles: string[] }>();
    // @ts-expect-error roles must be string[]
    await tokens.issue({ subject: "u", claims: { roles: "admin" } }).catch(() => undefined);
    expectTypeOf(tokens).toEqualTypeOf<TokenManager<{ roles: string[] }>>();
  });

  it("error codes are a closed union to switch on", () => {
    expectTypeOf<"refresh_token_reused">().toExtend<TokenwiseErrorCode>();
    expectTypeOf<"something_else">().not.toExtend<TokenwiseErrorCode>();
  });

  describe("claim sets are checked for JSON at compile time", () => {
    it("claims declared as an interface are accepted everywhere claims are typed", async () => {
      const { tokens } = await createHarness<AppClaims>();
      const pair = await tokens.issue({ subject: "u", claims: { roles: ["a"], org: { id: "o", plan: "pro" }, tags: [], pair: [1, null] } });
      const claims = await tokens.verifyAccessToken(pair.accessToken);
      expectTypeOf(claims).toEqualTypeOf<VerifiedAccessToken<AppClaims>>();
      expectTypeOf(claims.org.plan).toEqualTypeOf<"free" | "pro">();
      expectTypeOf(claims.email).toEqualTypeOf<string | undefined>();
      expect(claims.org).toEqual({ id: "o", plan: "pro" });
      const auth = await requireAuth(new Request("http://x/", { headers: { authorization: `Bearer ${pair.accessToken}` } }), tokens, {
        authorize: (verified) => verified.roles.includes("a"),
      });
      expect(auth.ok).toBe(true);
      if (auth.ok) expectTypeOf(auth.claims).toEqualTypeOf<VerifiedAccessToken<AppClaims>>();
    });

    it("an interface of JSON members satisfies JsonShape; a Date, a function, a bigint or a required undefined does not", () => {
      expectTypeOf<AppClaims>().toExtend<JsonShape<AppClaims>>();
      expectTypeOf<{ [name: string]: unknown }>().toExtend<JsonShape<{ [name: string]: unknown }>>();
      expectTypeOf<DatedClaims>().not.toExtend<JsonShape<DatedClaims>>();
      expectTypeOf<{ nested: { at: Date }[] }>().not.toExtend<JsonShape<{ nested: { at: Date }[] }>>();
      expectTypeOf<{ callback: () => void }>().not.toExtend<JsonShape<{ callback: () => void }>>();
      expectTypeOf<{ big: bigint }>().not.toExtend<JsonShape<{ big: bigint }>>();
      expectTypeOf<{ tags: Map<string, string> }>().not.toExtend<JsonShape<{ tags: Map<string, string> }>>();
      expectTypeOf<{ maybe: string | undefined }>().not.toExtend<JsonShape<{ maybe: string | undefined }>>();
      expectTypeOf<string>().not.toExtend<JsonShape<string>>();
    });

    it("a claim type holding a Date is a type error at the manager, its options and its type parameters", () => {
      const options = { issuer: "i", audience: "a", signingKeys: [], store: new MemoryRefreshTokenStore() };
      // @ts-expect-error a Date is not a JSON value: JSON.stringify would turn it into a string
      expect(() => new TokenManager<DatedClaims>(options)).toThrow(/signingKeys/);
      // @ts-expect-error the same check on the verified-claims type
      expectTypeOf<VerifiedAccessToken<DatedClaims>>().not.toBeNever();
    });

    it("issue() refuses a Date value for a claim declared as JSON", async () => {
      const { tokens } = await createHarness<{ at: string }>();
      // @ts-expect-error a Date where a string claim is declared
      await expect(tokens.issue({ subject: "u", claims: { at: new Date(0) } })).rejects.toMatchObject({ code: "invalid_argument" });
    });
  });
});
