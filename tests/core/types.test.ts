import {
  TokenManager,
  type AccessTokenGrant,
  type TokenPair,
  type TokenwiseErrorCode,
  type VerifiedAccessToken,
} from "tokenwise";
import { describe, expectTypeOf, it } from "vitest";
import { createHarness } from "./fixtures.js";

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
});
