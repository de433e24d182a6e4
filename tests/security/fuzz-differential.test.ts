/**
 * Property 3: tokenwise is never more lenient than `jose` at its strictest. Tokens forged
 * outside the library are verified by both, with the same key and clock; tokenwise may refuse
 * more (non-canonical spellings, unknown `kid`, `iat` in the future) but accepts nothing that
 * strict `jose` refuses, and what it accepts has the claims `jose` read.
 */
import { jwtVerify, type JWTVerifyResult } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIENCE, ISSUER } from "../core/fixtures.js";
import { craftedTokenPlan, craftToken } from "./fuzz-crafted-tokens.js";
import {
  assertProperty,
  createFuzzHarness,
  FUZZ_SCALE,
  FUZZ_SEED,
  fuzzCasesRun,
  fuzzTimeout,
  returnedOrTokenwiseError,
  settle,
  type FuzzAlgorithm,
  type FuzzHarness,
} from "./fuzz-support.js";

/** HS256 carries the volume; the asymmetric algorithms are slower and get fewer runs. */
const ALGORITHMS: { alg: FuzzAlgorithm; runs: number }[] = [
  { alg: "HS256", runs: 3_000 },
  { alg: "EdDSA", runs: 300 },
  { alg: "ES256", runs: 300 },
];
/** Share of forged tokens that strict jose must accept, or the property tests nothing. */
const MIN_VALID_SHARE = 0.05;

afterAll(() => {
  console.info(`fuzz-differential: ${fuzzCasesRun()} cases (FUZZ_SEED=${FUZZ_SEED})`);
});

describe.each(ALGORITHMS)("tokens forged outside tokenwise, $alg", ({ alg, runs }) => {
  let harness: FuzzHarness;

  beforeAll(async () => {
    harness = await createFuzzHarness({ alg });
  });

  /** `jwtVerify` with every check pinned: the reference tokenwise must not be laxer than. */
  const verifyStrictly = (token: string): Promise<JWTVerifyResult> =>
    jwtVerify(token, harness.keys.right.verifyKey, {
      algorithms: [alg],
      typ: "at+jwt",
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["exp", "iat", "sub", "jti", "sid"],
      clockTolerance: 5,
      currentDate: harness.clock.now(),
    });

  it("tokenwise accepts none that strict jose refuses, and reads the same claims", async () => {
    let validForJose = 0;
    await assertProperty(
      craftedTokenPlan,
      async (plan) => {
        const token = await craftToken(plan, harness);
        const reference = await settle(() => verifyStrictly(token));
        if (reference.kind === "returned") validForJose++;
        const ours = returnedOrTokenwiseError(await settle(() => harness.tokens.verifyAccessToken(token)), "verifyAccessToken");
        if (!ours.returned) return;
        if (reference.kind !== "returned") {
          const why = reference.kind === "threw" ? String((reference.error as Error).message) : "it hung";
          throw new Error(`tokenwise accepted a token strict jose refuses (${why}): ${token}`);
        }
        expect(ours.value).toEqual((reference.value as JWTVerifyResult).payload);
      },
      runs,
    );
    expect(validForJose, "enough forged tokens are valid that acceptance is put to the test").toBeGreaterThan(runs * FUZZ_SCALE * MIN_VALID_SHARE);
  }, fuzzTimeout());
});
