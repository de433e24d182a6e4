/**
 * `issue` and `refresh` on the memory store, per algorithm, one caller and IN_FLIGHT at once,
 * against a bare `node:crypto` sign of the same access token (same header, same claims, a fresh
 * `jti`, `iat` and `exp` each time): the least any library must do to hand out that token.
 */
import { randomBytes } from "node:crypto";
import type { SigningKey } from "tokenwise";
import type { TokenwiseBuild } from "./backends.js";
import { bareSigner, type BenchAlgorithm } from "./bare-jws.js";
import { compareCases, mergeGroups, type GroupResult } from "./comparison.js";
import { BENCH_CLAIMS, createManager, refreshChains } from "./managers.js";
import type { BatchSettings } from "./measure.js";
import type { PeerKeys } from "./peer-keys.js";
import { IN_FLIGHT } from "./verify-cases.js";

/** The case names, as the targets refer to them. */
export const MEMORY_CASES = {
  issue: "issue (memory store)",
  refresh: "refresh (memory store)",
  bareSign: "bare node:crypto sign",
} as const;

/** A JWT's header and payload, decoded. */
function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>);
  return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
}

/**
 * A bare signer of tokens shaped like `example`: its header as is, its claims with a fresh
 * `iat`, `exp` (the same lifetime) and `jti` (16 random bytes, as tokenwise draws) each call.
 *
 * @param example - an access token tokenwise issued with the same key
 * @returns an operation that signs one such token, with `claims` (e.g. `sub`, `sid`) replacing the example's
 */
export function bareAccessTokenSigner(keys: PeerKeys, example: string): (claims?: object) => string {
  const { header, payload } = decodeJwt(example);
  const lifetime = Number(payload.exp) - Number(payload.iat);
  const sign = bareSigner(keys);
  return (claims = {}) => {
    const iat = Math.floor(Date.now() / 1000);
    // Object.assign: a spread followed by more members takes V8's slow path (several µs).
    return sign(header, Object.assign({}, payload, claims, { iat, exp: iat + lifetime, jti: randomBytes(16).toString("base64url") }));
  };
}

/**
 * Measures `issue`, `refresh` and the bare sign for one algorithm, one caller and IN_FLIGHT at once.
 *
 * @param native - the tokenwise build Node loads
 */
export async function memoryCases(native: TokenwiseBuild, keys: PeerKeys, settings: BatchSettings): Promise<GroupResult> {
  const signingKey: SigningKey = keys.signingKey;
  const tokens = createManager(native.module, signingKey);
  const { accessToken } = await tokens.issue({ subject: "user-42", claims: BENCH_CLAIMS });
  const sign = bareAccessTokenSigner(keys, accessToken);
  const groups: GroupResult[] = [];
  for (const inFlight of [1, IN_FLIGHT]) {
    const cases = [
      { name: MEMORY_CASES.issue, operation: () => tokens.issue({ subject: "user-42", claims: BENCH_CLAIMS }) },
      { name: MEMORY_CASES.refresh, operation: await refreshChains(tokens, inFlight) },
      { name: MEMORY_CASES.bareSign, operation: async () => sign() },
    ];
    const comparisons: [string, string][] = [
      [MEMORY_CASES.issue, MEMORY_CASES.bareSign],
      [MEMORY_CASES.refresh, MEMORY_CASES.bareSign],
    ];
    groups.push(await compareCases({ group: memoryGroupName(keys.alg, inFlight), cases, comparisons, inFlight, settings }));
  }
  return mergeGroups(groups);
}

/** The name of a memory-store group, e.g. "memory store HS256, 1 in flight". */
export function memoryGroupName(alg: BenchAlgorithm, inFlight: number): string {
  return `memory store ${alg}, ${inFlight} in flight`;
}
