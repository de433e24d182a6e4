/**
 * What every fuzz suite shares: the seed and size knobs, a time-limited call that classifies
 * its outcome, and deterministic managers whose tokens are the same string on every run.
 *
 * Knobs (environment):
 * - `FUZZ_SEED`: the fast-check seed (an integer); default {@link DEFAULT_SEED}. A failure
 *   prints the seed and path that replay it.
 * - `FUZZ_RUNS`: a factor on every property's number of runs; default 1 (about 20,000 cases
 *   in all). A nightly job sets e.g. `FUZZ_RUNS=20`.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { exportSPKI } from "jose";
import {
  generateSigningKey,
  isTokenwiseError,
  MemoryRefreshTokenStore,
  TokenManager,
  type AsymmetricSigningKey,
  type RandomBytes,
  type SigningKey,
  type TokenEvent,
  type TokenPair,
  type VerifiedAccessToken,
} from "tokenwise";
import { AUDIENCE, ISSUER, TestClock } from "../core/fixtures.js";

export const DEFAULT_SEED = 20_260_101;
/** Longest a single call may take before it counts as a hang. */
export const CALL_TIME_LIMIT_MS = 2_000;

export const FUZZ_SEED: number = readNumber("FUZZ_SEED", DEFAULT_SEED, Number.isSafeInteger);
export const FUZZ_SCALE: number = readNumber("FUZZ_RUNS", 1, (value) => value > 0);

function readNumber(name: string, fallback: number, valid: (value: number) => boolean): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!valid(value)) throw new Error(`${name}=${JSON.stringify(text)} is not usable here`);
  return value;
}

/** A vitest timeout that grows with `FUZZ_RUNS`, for `it(name, fn, fuzzTimeout())`. */
export function fuzzTimeout(): number {
  return 120_000 * Math.max(1, FUZZ_SCALE);
}

let casesRun = 0;

/** How many property cases this file ran, shrinking included: for the run's summary line. */
export function fuzzCasesRun(): number {
  return casesRun;
}

/**
 * Checks `check` against `baseRuns × FUZZ_RUNS` values of `arbitrary`, seeded and shrinking.
 * A failure's message says how to replay it.
 */
export async function assertProperty<T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>, baseRuns: number): Promise<void> {
  const numRuns = Math.max(1, Math.round(baseRuns * FUZZ_SCALE));
  const property = fc.asyncProperty(arbitrary, async (value) => {
    casesRun++;
    await check(value);
  });
  try {
    await fc.assert(property, { seed: FUZZ_SEED, numRuns });
  } catch (error) {
    if (error instanceof Error) error.message = `Replay with FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_SCALE}.\n${error.message}`;
    throw error;
  }
}

/** How a call ended. */
export type Outcome = { kind: "returned"; value: unknown } | { kind: "threw"; error: unknown } | { kind: "hung" };

/** Runs `action` (sync or async) and reports how it ended, giving up after `limitMs`. */
export async function settle(action: () => unknown, limitMs = CALL_TIME_LIMIT_MS): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "hung" }), limitMs);
  });
  const done = (async () => action())().then(
    (value): Outcome => ({ kind: "returned", value }),
    (error: unknown): Outcome => ({ kind: "threw", error }),
  );
  try {
    return await Promise.race([done, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** The value returned; throws, naming `what`, if the call hung or threw anything but a TokenwiseError. */
export function returnedOrTokenwiseError(outcome: Outcome, what: string): { returned: true; value: unknown } | { returned: false; code: string } {
  if (outcome.kind === "returned") return { returned: true, value: outcome.value };
  if (outcome.kind === "hung") throw new Error(`${what} did not settle within ${CALL_TIME_LIMIT_MS} ms`);
  if (isTokenwiseError(outcome.error) && typeof outcome.error.code === "string" && typeof outcome.error.status === "number") {
    return { returned: false, code: outcome.error.code };
  }
  throw new Error(`${what} threw something other than a TokenwiseError: ${describeError(outcome.error)}`, { cause: outcome.error });
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : fc.stringify(error);
}

/** Bytes from SHA-256 in counter mode: a manager's ids and tokens are the same on every run. */
export function seededRandomBytes(seed: string): RandomBytes {
  const prefix = new TextEncoder().encode(`${seed}/`);
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      const block = sha256(new Uint8Array([...prefix, ...new TextEncoder().encode(String(counter++))]));
      out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    }
    return out;
  };
}

/** Every algorithm tokenwise signs with. */
export type FuzzAlgorithm = "HS256" | "HS384" | "HS512" | "ES256" | "ES384" | "EdDSA" | "RS256" | "PS256";

/** A key as a token forger holds it: signs any bytes, outside tokenwise. */
export interface CraftingKey {
  alg: FuzzAlgorithm;
  /** What `jose` verifies with. */
  verifyKey: CryptoKey;
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** The public key as PEM text (asymmetric keys), for HMAC key-confusion forgeries. */
  publicPem: string | null;
}

export interface FuzzKeys {
  /** The manager's key. */
  signingKey: SigningKey;
  kid: string;
  right: CraftingKey;
  /** A key of the same algorithm that the manager does not know. */
  wrong: CraftingKey;
}

/** HMAC secrets of each size: the first is the manager's, the second nobody's. */
const HMAC_SECRETS: Readonly<Record<string, readonly [string, string]>> = {
  HS256: ["tokenwise fuzz secret: 32 bytes+", "an HMAC secret nobody configured"],
  HS384: ["tokenwise fuzz secret of HS384: 48 bytes or more", "an HS384 secret that nobody ever configured here"],
  HS512: ["tokenwise fuzz secret of HS512: sixty-four bytes or more, padded", "an HS512 secret that nobody configured anywhere, sixty-four bytes"],
};
/** The Web Crypto signature of each asymmetric algorithm (RFC 7518 §3.3-3.5, RFC 8037). */
const SIGNING: Readonly<Record<string, AlgorithmIdentifier | RsaPssParams | EcdsaParams>> = {
  ES256: { name: "ECDSA", hash: "SHA-256" },
  ES384: { name: "ECDSA", hash: "SHA-384" },
  EdDSA: { name: "Ed25519" },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  PS256: { name: "RSA-PSS", saltLength: 32 },
};
const keyCache = new Map<FuzzAlgorithm, Promise<FuzzKeys>>();

/** The keys of an algorithm, made once per file: key generation is not what the fuzz measures. */
export function fuzzKeys(alg: FuzzAlgorithm): Promise<FuzzKeys> {
  let keys = keyCache.get(alg);
  if (!keys) keyCache.set(alg, (keys = makeKeys(alg)));
  return keys;
}

async function makeKeys(alg: FuzzAlgorithm): Promise<FuzzKeys> {
  const kid = `fuzz-${alg.toLowerCase()}`;
  const secrets = HMAC_SECRETS[alg];
  if (secrets) {
    const [secret, other] = secrets.map((text) => new TextEncoder().encode(text)) as [Uint8Array, Uint8Array];
    return { signingKey: { alg, secret, kid } as SigningKey, kid, right: await hmacCraftingKey(secret, alg), wrong: await hmacCraftingKey(other, alg) };
  }
  const [mine, theirs] = (await Promise.all([generateSigningKey(alg, kid), generateSigningKey(alg)])) as AsymmetricSigningKey[];
  return { signingKey: mine as SigningKey, kid, right: await asymmetricCraftingKey(alg, mine!), wrong: await asymmetricCraftingKey(alg, theirs!) };
}

/** HMAC with raw `secret` bytes (HS256 unless told): also how a key-confusion forger signs with a public key. */
export async function hmacCraftingKey(secret: Uint8Array, alg: FuzzAlgorithm = "HS256"): Promise<CraftingKey> {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: `SHA-${alg.slice(2)}` }, false, ["sign", "verify"]);
  return { alg, verifyKey: key, publicPem: null, sign: async (data) => new Uint8Array(await crypto.subtle.sign("HMAC", key, new Uint8Array(data))) };
}

async function asymmetricCraftingKey(alg: FuzzAlgorithm, key: AsymmetricSigningKey): Promise<CraftingKey> {
  const privateKey = key.privateKey as CryptoKey;
  const publicKey = key.publicKey as CryptoKey;
  const algorithm = SIGNING[alg] as AlgorithmIdentifier;
  return {
    alg,
    verifyKey: publicKey,
    publicPem: await exportSPKI(publicKey),
    sign: async (data) => new Uint8Array(await crypto.subtle.sign(algorithm, privateKey, new Uint8Array(data))),
  };
}

export const SUBJECT = "fuzz-user";

/** A manager over a memory store (or stateless), a fixed clock and seeded randomness, with one login. */
export interface FuzzHarness {
  tokens: TokenManager;
  store: MemoryRefreshTokenStore | null;
  clock: TestClock;
  events: TokenEvent[];
  keys: FuzzKeys;
  /** The login every property mutates. */
  session: TokenPair;
  /** The claims of `session.accessToken`. */
  claims: VerifiedAccessToken;
}

export interface FuzzHarnessOptions {
  alg?: FuzzAlgorithm;
  refreshTokenMode?: "opaque" | "stateless";
}

/**
 * Builds a harness. Two harnesses built with the same options hold the very same tokens: a
 * property that spends the login rebuilds it and carries on where it was.
 */
export async function createFuzzHarness(options: FuzzHarnessOptions = {}): Promise<FuzzHarness> {
  const keys = await fuzzKeys(options.alg ?? "HS256");
  const clock = new TestClock();
  const events: TokenEvent[] = [];
  const stateless = options.refreshTokenMode === "stateless";
  const store = stateless ? null : new MemoryRefreshTokenStore();
  const tokens = new TokenManager({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: [keys.signingKey],
    ...(store ? { store } : { refreshTokenMode: "stateless" as const }),
    now: clock.now,
    randomBytes: seededRandomBytes(`fuzz/${options.alg ?? "HS256"}/${options.refreshTokenMode ?? "opaque"}`),
    onEvent: (event) => events.push(event),
  });
  const session = await tokens.issue({ subject: SUBJECT, claims: { role: "reader", scope: "read write" } });
  const claims = await tokens.verifyAccessToken(session.accessToken);
  return { tokens, store, clock, events, keys, session, claims };
}
