/**
 * Property 4: for any `Authorization` header, `parseBearerToken` returns the b64token that
 * follows "Bearer " in it, verbatim, or throws a TokenwiseError (`missing_token` or
 * `invalid_request`) — whether it is given the header value, `Headers` or a `Request`.
 */
import fc from "fast-check";
import { parseBearerToken, type AuthorizationSource } from "tokenwise/http";
import { afterAll, describe, expect, it } from "vitest";
import { base64UrlChar, garbageString, occasionally } from "./fuzz-arbitraries.js";
import { checkBearerResult } from "./fuzz-requests.js";
import { assertProperty, FUZZ_SEED, fuzzCasesRun, fuzzTimeout, returnedOrTokenwiseError, settle } from "./fuzz-support.js";

const RUNS = 3_000;

const scheme = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("Bearer", "bearer", "BEARER", "bEaReR") },
  { weight: 1, arbitrary: fc.constantFrom("", "Basic", "Bearer:", "Bearerx", "Bear", "DPoP", "Bearer,", "\u0130earer") },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const separator = fc.string({ unit: fc.oneof({ weight: 6, arbitrary: fc.constant(" ") }, { weight: 1, arbitrary: fc.constantFrom("\t", ",", "\u00a0", "\r\n") }), maxLength: 3 });
/** b64token characters, `=` and near misses: a credential that sometimes follows the grammar. */
const credential = fc.string({
  unit: fc.oneof({ weight: 12, arbitrary: base64UrlChar }, { weight: 1, arbitrary: fc.constantFrom(".", "~", "+", "/", "=", " ", ",", '"', "\u00f6", "\0", "\t", "\u2028") }),
  maxLength: 40,
});
const header = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(scheme, separator, credential, occasionally(fc.oneof(garbageString, fc.constantFrom("=", "==", " ", ", Bearer x", "\n")), 3)).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: garbageString },
);

/** The header as each kind of source carries it; `Headers` refuses some values and trims others. */
function sources(value: string): { source: AuthorizationSource; header: string | null }[] {
  const all: { source: AuthorizationSource; header: string | null }[] = [{ source: value, header: value }];
  try {
    const headers = new Headers({ authorization: value });
    all.push({ source: headers, header: headers.get("authorization") }, { source: new Request("https://api.example.test/", { headers }), header: headers.get("authorization") });
  } catch {
    // the runtime refuses this header value: only the string form reaches tokenwise
  }
  return all;
}

afterAll(() => {
  console.info(`fuzz-bearer: ${fuzzCasesRun()} cases (FUZZ_SEED=${FUZZ_SEED})`);
});

describe("parseBearerToken on arbitrary Authorization headers", () => {
  it("returns the credential after the scheme verbatim, or throws missing_token or invalid_request", async () => {
    await assertProperty(
      header,
      async (value) => {
        for (const { source, header: carried } of sources(value)) {
          const outcome = returnedOrTokenwiseError(await settle(() => parseBearerToken(source)), `parseBearerToken(${JSON.stringify(value)})`);
          if (outcome.returned) checkBearerResult(carried, outcome.value);
          else expect(["missing_token", "invalid_request"]).toContain(outcome.code);
        }
      },
      RUNS,
    );
  }, fuzzTimeout());
});
