/**
 * Checks of what a {@link RefreshTokenStore} returns, before the manager trusts it: a store
 * with a bug must fail the operation with `store_error`, never crash it with a `TypeError` or,
 * worse, have `1` or `"false"` count as a successful spend. Cheap: types of the fields the
 * manager reads. Internal.
 */
import type { RefreshTokenLookup, SessionRecord } from "../store.js";

/** A check of one store result: returns it typed, or throws a {@link ContractBreach} saying what is wrong. */
export type ResultCheck<T> = (value: unknown) => T;

/** A store result that breaks the store contract. */
export class ContractBreach extends Error {}

/** Makes a {@link ResultCheck} of a function that names the problem, or returns `undefined`. */
function expecting<T>(findProblem: (value: unknown) => string | undefined): ResultCheck<T> {
  return (value) => {
    const problem = findProblem(value);
    if (problem) throw new ContractBreach(problem);
    return value as T;
  };
}

type Fields = Record<string, unknown>;

const isDate = (value: unknown): boolean => value instanceof Date && !Number.isNaN(value.getTime());
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);
const isNullableString = (value: unknown): boolean => value === null || typeof value === "string";

/** Field name → test, for the records the manager reads; as entries, walked on every store result. */
type FieldTests = ReadonlyArray<readonly [string, (value: unknown) => boolean]>;

const SESSION_FIELDS: FieldTests = Object.entries({
  id: (value) => typeof value === "string",
  subject: (value) => typeof value === "string",
  claims: isObject,
  metadata: isObject,
  createdAt: isDate,
  lastUsedAt: isDate,
  expiresAt: isDate,
  revokedAt: (value) => value === null || isDate(value),
  issuer: isNullableString,
  audience: isNullableString,
});

const TOKEN_FIELDS: FieldTests = Object.entries({
  hash: (value) => typeof value === "string",
  sessionId: (value) => typeof value === "string",
  issuedAt: isDate,
  expiresAt: isDate,
  spentAt: (value) => value === null || isDate(value),
  successorHash: isNullableString,
  sealedSuccessor: isNullableString,
});

function checkFields(value: unknown, fields: FieldTests, what: string): string | undefined {
  if (!isObject(value)) return `${what} is not an object`;
  for (const [name, test] of fields) {
    if (!test(value[name])) return `${what}.${name} has the wrong type`;
  }
  return undefined;
}

const sessionProblem = (value: unknown): string | undefined => checkFields(value, SESSION_FIELDS, "session");

/** A {@link SessionRecord} or `null`. */
export const sessionOrNull: ResultCheck<SessionRecord | null> = expecting((value) => (value === null ? undefined : sessionProblem(value)));

/** A {@link RefreshTokenLookup} or `null`, whose token belongs to its session. */
export const lookupOrNull: ResultCheck<RefreshTokenLookup | null> = expecting((value) => {
  if (value === null) return undefined;
  if (!isObject(value)) return "the lookup is not an object";
  const problem = checkFields(value.token, TOKEN_FIELDS, "token") ?? sessionProblem(value.session);
  if (problem) return problem;
  const { token, session } = value as unknown as RefreshTokenLookup;
  return token.sessionId === session.id ? undefined : "token.sessionId does not match session.id";
});

/** Exactly `true` or `false`. */
export const boolean: ResultCheck<boolean> = expecting((value) =>
  typeof value === "boolean" ? undefined : `expected true or false, got ${describe(value)}`,
);

/** A count: a whole number, zero or more. */
export const count: ResultCheck<number> = expecting((value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `expected a count, got ${describe(value)}`,
);

/** An array of {@link SessionRecord}s. */
export const sessions: ResultCheck<SessionRecord[]> = expecting((value) =>
  Array.isArray(value) ? value.map(sessionProblem).find(Boolean) : `expected an array of sessions, got ${describe(value)}`,
);

/** An array of session ids. */
export const sessionIds: ResultCheck<string[]> = expecting((value) =>
  Array.isArray(value) && value.every((id) => typeof id === "string") ? undefined : `expected an array of session ids, got ${describe(value)}`,
);

/** Anything: for methods whose result the manager ignores. */
export const ignored: ResultCheck<unknown> = (value) => value;

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  return Array.isArray(value) ? "an array" : value === null ? "null" : typeof value === "object" ? "an object" : String(value);
}
