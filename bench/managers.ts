/**
 * Token managers as every bench case configures them, and refresh operations that rotate one
 * chain of tokens per lane.
 */
import type { RefreshTokenStore, SigningKey, TokenManagerOptions } from "tokenwise";
import type { Tokenwise } from "./backends.js";
import type { Operation } from "./measure.js";

export const BENCH_ISSUER = "https://bench.test";
export const BENCH_AUDIENCE = "api";
/** The app claims of every bench token. */
export const BENCH_CLAIMS = { roles: ["admin"] };

/** What a bench manager may differ in. */
export interface BenchManagerOptions {
  store?: RefreshTokenStore;
  verifiedTokenCache?: TokenManagerOptions["verifiedTokenCache"];
}

/**
 * A manager of `tokenwise` (either build) over `store` (default: a memory store of that build).
 *
 * @returns a manager with the bench issuer and audience, signing with `signingKey`
 */
export function createManager(tokenwise: Tokenwise, signingKey: SigningKey, options: BenchManagerOptions = {}): InstanceType<Tokenwise["TokenManager"]> {
  const { store = new tokenwise.MemoryRefreshTokenStore(), verifiedTokenCache } = options;
  return new tokenwise.TokenManager({
    issuer: BENCH_ISSUER,
    audience: BENCH_AUDIENCE,
    signingKeys: [signingKey],
    store,
    ...(verifiedTokenCache === undefined ? {} : { verifiedTokenCache }),
  });
}

/** Something that issues sessions and refreshes them: a manager. */
interface Refresher {
  issue(input: { subject: string; claims?: object }): Promise<{ refreshToken: string }>;
  refresh(refreshToken: string): Promise<{ refreshToken: string }>;
}

/**
 * A refresh operation over one session per lane: each lane rotates its own chain of tokens, so
 * no two refreshes in flight ever present the same token (which would be a reuse).
 *
 * @param lanes - how many operations will run at once
 */
export async function refreshChains(tokens: Refresher, lanes: number): Promise<Operation> {
  const current = await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => (await tokens.issue({ subject: `bench-lane-${lane}`, claims: BENCH_CLAIMS })).refreshToken),
  );
  return async (lane) => {
    current[lane] = (await tokens.refresh(current[lane] as string)).refreshToken;
  };
}
