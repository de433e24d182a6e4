/** Records, the clock and the assertions the conformance suite builds on. Internal. */
import { generateRefreshToken } from "../refresh-tokens.js";
import { secureRandomBytes } from "../random.js";
import type { RefreshTokenRecord, RefreshTokenStore, SessionRecord } from "../store.js";
import { toBase64Url } from "../lib/_bytes.js";

export const MINUTE: number = 60_000;
export const DAY: number = 86_400_000;

/**
 * The start of the current minute: each check dates its records from it. Real time, so that a
 * store expiring records by TTL keeps them for the whole check (no record a check stores ends
 * within 9 minutes of its start); whole, so that offsets such as `+ 7` ms test precision exactly.
 */
export function startOfMinute(now: number = Date.now()): number {
  return now - (now % MINUTE);
}

/** A random id, unique per call, of the session-id alphabet (`[A-Za-z0-9_-]`). */
export function uniqueId(label: string): string {
  return `${label}-${toBase64Url(secureRandomBytes(9))}`;
}

/** A stand-in seal: any base64url text of the right length. */
export function makeSeal(): string {
  return toBase64Url(secureRandomBytes(32));
}

/** A store's spend of one token with a fresh successor: what was asked and what it answered. */
export interface SpendOutcome {
  spent: boolean;
  successor: RefreshTokenRecord;
  sealedSuccessor: string;
}

/** What every check receives: the store under test, the settings, and records dated from the check's start of time. */
export interface CheckContext {
  store: RefreshTokenStore;
  /** How many simultaneous calls race in the concurrency checks. */
  concurrency: number;
  /** The instant `offset` milliseconds after the check's start of time. */
  at(offset: number): Date;
  /** A session created at `at(0)` (unless told otherwise), lasting a day, with JSON that exercises encoding. */
  makeSession(overrides?: Partial<SessionRecord>): SessionRecord;
  /** A fresh unspent token of `session`, issued at `at(0)` (unless told otherwise), expiring an hour after it was issued. */
  makeToken(session: SessionRecord, overrides?: Partial<RefreshTokenRecord>): RefreshTokenRecord;
  /** Stores a session with one token and returns both. */
  seed(sessionOverrides?: Partial<SessionRecord>, tokenOverrides?: Partial<RefreshTokenRecord>): Promise<{ session: SessionRecord; token: RefreshTokenRecord }>;
  /** Spends `hash` at `when` with a fresh successor of `session`. */
  spend(session: SessionRecord, hash: string, when: Date): Promise<SpendOutcome>;
}

/** One check of the suite. */
export type Check = (context: CheckContext) => Promise<void>;

/** The context of one check against `store`, dated from the start of the current minute. */
export function createCheckContext(store: RefreshTokenStore, concurrency: number): CheckContext {
  const start = startOfMinute();
  const at = (offset: number): Date => new Date(start + offset);
  const makeSession = (overrides: Partial<SessionRecord> = {}): SessionRecord => {
    const createdAt = overrides.createdAt ?? at(0);
    return {
      id: uniqueId("session"),
      subject: uniqueId("subject"),
      claims: { roles: ["admin", "staff"], name: "Zoë \u{1F511}", nested: { level: 2, on: true, none: null } },
      metadata: { userAgent: "conformance/1.0", ip: "127.0.0.1" },
      createdAt,
      lastUsedAt: createdAt,
      expiresAt: new Date(createdAt.getTime() + DAY),
      revokedAt: null,
      issuer: "https://conformance.test",
      audience: "conformance",
      ...overrides,
    };
  };
  const makeToken = (session: SessionRecord, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => {
    const issuedAt = overrides.issuedAt ?? at(0);
    return {
      hash: generateRefreshToken(secureRandomBytes).hash,
      sessionId: session.id,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + 60 * MINUTE),
      spentAt: null,
      successorHash: null,
      sealedSuccessor: null,
      ...overrides,
    };
  };
  return {
    store,
    concurrency,
    at,
    makeSession,
    makeToken,
    async seed(sessionOverrides = {}, tokenOverrides = {}) {
      const session = makeSession(sessionOverrides);
      const token = makeToken(session, tokenOverrides);
      await store.createSession(session, token);
      return { session, token };
    },
    async spend(session, hash, when) {
      const successor = makeToken(session, { issuedAt: when });
      const sealedSuccessor = makeSeal();
      const spent = await store.spendToken({ hash, at: when, successor, sealedSuccessor });
      return { spent, successor, sealedSuccessor };
    },
  };
}

/** Thrown when a store breaks its contract; the message names the promise broken, then what was seen. */
export class ContractViolation extends Error {
  /** Always `"ContractViolation"`. */
  override name = "ContractViolation";
}

/**
 * Names the broken promise in a check's failure: `"<group> — <rule>: <what was seen>"`. A
 * rejection of the store itself becomes a violation too, with the store's error as `cause`.
 */
export function namePromise(error: unknown, promise: string): ContractViolation {
  if (!(error instanceof ContractViolation)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ContractViolation(`${promise}: the store rejected unexpectedly (${message})`, { cause: error });
  }
  const original = `${error.name}: ${error.message}`;
  error.message = `${promise}: ${error.message}`;
  if (error.stack?.startsWith(original)) error.stack = `${error.name}: ${error.message}${error.stack.slice(original.length)}`;
  return error;
}

/** Fails with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractViolation(message);
}

/** Fails unless `actual` and `expected` are deeply equal, comparing `Date`s by instant. */
export function checkEqual(actual: unknown, expected: unknown, what: string): void {
  const a = canonical(actual);
  const b = canonical(expected);
  if (a !== b) throw new ContractViolation(`${what}: expected ${b}, got ${a}`);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item && typeof item === "object" && !Array.isArray(item) && !(item instanceof Date)) {
      return Object.fromEntries(Object.entries(item).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    return item;
  });
}

/** Fails unless `promise` rejects. */
export async function checkRejects(promise: Promise<unknown>, message: string): Promise<void> {
  const rejected = await promise.then(
    () => false,
    () => true,
  );
  check(rejected, message);
}
