import {
  generateSigningKey,
  MemoryRefreshTokenStore,
  TokenManager,
  TokenVerifier,
  type JsonObject,
  type JsonShape,
  type SigningKey,
  type TokenEvent,
  type TokenManagerOptions,
} from "tokenwise";

/** A clock the test moves by hand: expiry without sleeping. */
export class TestClock {
  #now: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  readonly now = (): Date => new Date(this.#now);

  advance(seconds: number): void {
    this.#now += seconds * 1000;
  }
}

export const ISSUER = "https://auth.example.test";
export const AUDIENCE = "api";

let sharedKey: Promise<SigningKey> | undefined;

/** One EdDSA key for the whole run: key generation is not what these tests measure. */
export function testKey(): Promise<SigningKey> {
  sharedKey ??= generateSigningKey("EdDSA");
  return sharedKey;
}

export interface Harness<Claims extends JsonShape<Claims>> {
  tokens: TokenManager<Claims>;
  store: MemoryRefreshTokenStore;
  clock: TestClock;
  events: TokenEvent[];
}

/** A manager over a fresh memory store, a test clock and an event log. */
export async function createHarness<Claims extends JsonShape<Claims> = JsonObject>(
  overrides: Partial<TokenManagerOptions<Claims>> = {},
): Promise<Harness<Claims>> {
  const clock = new TestClock();
  const store = new MemoryRefreshTokenStore();
  const events: TokenEvent[] = [];
  const options: TokenManagerOptions<Claims> = {
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: [await testKey()],
    // Stateless managers refuse a store.
    ...(overrides.refreshTokenMode === "stateless" ? {} : { store }),
    now: clock.now,
    onEvent: (event) => events.push(event),
    ...overrides,
  };
  const tokens = new TokenManager<Claims>(options);
  verifierOptions.set(tokens, options as unknown as TokenManagerOptions);
  return { tokens, store, clock, events };
}

const verifierOptions = new WeakMap<object, TokenManagerOptions>();
const verifiers = new WeakMap<object, TokenVerifier>();

/**
 * A {@link TokenVerifier} holding the same keys and checks as a harness's manager, made on first
 * use: for suites that present every token to both and expect the same answer.
 */
export function verifierFor<Claims extends JsonShape<Claims>>(tokens: TokenManager<Claims>): TokenVerifier<Claims> {
  let verifier = verifiers.get(tokens);
  if (!verifier) {
    const options = verifierOptions.get(tokens);
    if (!options) throw new Error("verifierFor() takes a manager made by createHarness()");
    const { issuer, audience, signingKeys, now, clockTolerance, maxTokenLifetime } = options;
    verifier = new TokenVerifier({ issuer, audience, keys: signingKeys, now, clockTolerance, maxTokenLifetime, checkSession: options.store });
    verifiers.set(tokens, verifier);
  }
  return verifier as unknown as TokenVerifier<Claims>;
}

/** Runs `action` and returns the `code` of the tokenwise error it rejects with. */
export async function errorCodeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") return code;
    throw error;
  }
  throw new Error("expected the action to fail, but it succeeded");
}

/** Decodes a JWT's header and payload without verifying: for asserting what was signed. */
export function decodeJwt(token: string): { header: JsonObject; payload: JsonObject } {
  const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")));
  return { header, payload };
}
