/** Records and assertions the conformance suite builds on. Internal. */
import { generateRefreshToken } from "../refresh-tokens.js";
import { secureRandomBytes } from "../random.js";
import type { RefreshTokenRecord, SessionRecord } from "../store.js";
import { toBase64Url } from "../lib/_bytes.js";

/** A fixed instant so expiry arithmetic in the suite is exact. */
export const T0: number = Date.UTC(2026, 0, 1, 12, 0, 0, 123);
export const MINUTE: number = 60_000;
export const DAY: number = 86_400_000;

/** A random id, unique per call: suites may share tables with other runs. */
export function uniqueId(label: string): string {
  return `${label}-${toBase64Url(secureRandomBytes(9))}`;
}

/** A session starting at `createdAt`, lasting a day, with JSON claims and metadata that exercise encoding. */
export function makeSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const createdAt = overrides.createdAt ?? new Date(T0);
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
}

/** A fresh unspent token of `session`, issued at `issuedAt`, expiring an hour later unless told otherwise. */
export function makeToken(session: SessionRecord, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  const issuedAt = overrides.issuedAt ?? new Date(T0);
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
}

/** A stand-in seal: any base64url text of the right length. */
export function makeSeal(): string {
  return toBase64Url(secureRandomBytes(32));
}

/** Thrown when a store breaks its contract; the message says which promise. */
export class ContractViolation extends Error {
  /** Always `"ContractViolation"`. */
  override name = "ContractViolation";
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
