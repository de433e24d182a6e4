/**
 * Access-token verification, per algorithm, one caller and IN_FLIGHT at once: tokenwise on both
 * backends, cold (`verifiedTokenCache: false`) and cached (the default; the same token again, so
 * every call is a hit), against bare `jose`, `fast-jwt` without and with its cache,
 * `jsonwebtoken`, and the `node:crypto` floor — all verifying the same token in the same rounds.
 */
import { createVerifier } from "fast-jwt";
import { jwtVerify } from "jose";
import jsonwebtoken from "jsonwebtoken";
import type { TokenwiseBuild } from "./backends.js";
import { bareVerifier, type BenchAlgorithm } from "./bare-jws.js";
import { compareCases, mergeGroups, type BenchCase, type GroupResult } from "./comparison.js";
import { BENCH_AUDIENCE, BENCH_CLAIMS, BENCH_ISSUER, createManager } from "./managers.js";
import type { BatchSettings } from "./measure.js";
import type { PeerKeys } from "./peer-keys.js";

/** How many verifications run at once in the concurrent groups. */
export const IN_FLIGHT = 16;

/** The case names, as the targets and the README refer to them. */
export const VERIFY_CASES = {
  nativeCold: "tokenwise native cold",
  nativeCached: "tokenwise native cached",
  webCold: "tokenwise web cold",
  webCached: "tokenwise web cached",
  jose: "jose jwtVerify",
  fastJwt: "fast-jwt",
  fastJwtCache: "fast-jwt cache",
  jsonwebtoken: "jsonwebtoken",
  floor: "node:crypto floor",
} as const;

const REQUIRED_CLAIMS = ["iat", "exp", "sub", "jti", "sid"];

/** The tokenwise cases of one build: cold and cached. */
function tokenwiseCases(build: TokenwiseBuild, keys: PeerKeys, token: string, names: [string, string]): BenchCase[] {
  const cold = createManager(build.module, keys.signingKey, { verifiedTokenCache: false });
  const cached = createManager(build.module, keys.signingKey);
  return [
    { name: names[0], operation: () => cold.verifyAccessToken(token) },
    { name: names[1], operation: () => cached.verifyAccessToken(token) },
  ];
}

/** The peers, each with the strictest options it has that match tokenwise's checks. */
function peerCases(keys: PeerKeys, token: string): BenchCase[] {
  const { alg } = keys;
  const joseOptions = { algorithms: [alg], issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, typ: "at+jwt", requiredClaims: REQUIRED_CLAIMS };
  const fastJwtOptions = {
    key: keys.bytesOrPem,
    algorithms: [alg],
    allowedIss: BENCH_ISSUER,
    allowedAud: BENCH_AUDIENCE,
    checkTyp: "at+jwt",
    requiredClaims: REQUIRED_CLAIMS,
  };
  const fastJwt = createVerifier(fastJwtOptions);
  const fastJwtCache = createVerifier({ ...fastJwtOptions, cache: true });
  const floor = bareVerifier(keys);
  const jsonwebtokenOptions = { algorithms: [alg as jsonwebtoken.Algorithm], issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE };
  return [
    { name: VERIFY_CASES.jose, operation: () => jwtVerify(token, keys.cryptoKey, joseOptions) },
    { name: VERIFY_CASES.fastJwt, operation: async () => fastJwt(token) },
    { name: VERIFY_CASES.fastJwtCache, operation: async () => fastJwtCache(token) },
    {
      name: VERIFY_CASES.jsonwebtoken,
      operation: alg === "EdDSA" ? { unsupported: "jsonwebtoken 9 has no EdDSA" } : async () => jsonwebtoken.verify(token, keys.verifyKey, jsonwebtokenOptions),
    },
    { name: VERIFY_CASES.floor, operation: async () => floor(token) },
  ];
}

/** Every ratio the output shows: each case against the floor, tokenwise against each peer of its kind. */
const C = VERIFY_CASES;
const COMPARISONS: [string, string][] = [
  ...Object.values(C)
    .filter((name) => name !== C.floor)
    .map((name): [string, string] => [name, C.floor]),
  [C.nativeCold, C.fastJwt],
  [C.nativeCold, C.jose],
  [C.nativeCold, C.jsonwebtoken],
  [C.webCold, C.jose],
  [C.webCold, C.fastJwt],
  [C.nativeCached, C.fastJwtCache],
  [C.webCached, C.fastJwtCache],
  [C.nativeCached, C.nativeCold],
];

/**
 * Measures verification of one algorithm's token, one caller and IN_FLIGHT at once.
 *
 * @param builds - tokenwise native, then web
 * @param keys - the algorithm's key in every form
 */
export async function verifyCases(builds: [TokenwiseBuild, TokenwiseBuild], keys: PeerKeys, settings: BatchSettings): Promise<GroupResult> {
  const [native, web] = builds;
  const issuer = createManager(native.module, keys.signingKey);
  const { accessToken } = await issuer.issue({ subject: "user-42", claims: BENCH_CLAIMS });
  const cases = [
    ...tokenwiseCases(native, keys, accessToken, [C.nativeCold, C.nativeCached]),
    ...tokenwiseCases(web, keys, accessToken, [C.webCold, C.webCached]),
    ...peerCases(keys, accessToken),
  ];
  const groups: GroupResult[] = [];
  for (const inFlight of [1, IN_FLIGHT]) {
    groups.push(await compareCases({ group: groupName(keys.alg, inFlight), cases, comparisons: COMPARISONS, inFlight, settings }));
  }
  return mergeGroups(groups);
}

/** The name of a verify group, e.g. "verify HS256, 1 in flight". */
export function groupName(alg: BenchAlgorithm, inFlight: number): string {
  return `verify ${alg}, ${inFlight} in flight`;
}
