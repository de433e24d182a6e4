/**
 * The memory store's records as columns: one array per field, one row per session or token.
 * Internal.
 *
 * What a million sessions cost in a JavaScript heap is mostly objects: each has a header, each
 * `Date` is an object, each number field a boxed double, and every one of them is traced by
 * every full garbage collection. Here a record is a row number; dates are milliseconds in a
 * `Float64Array` (`NaN` for `null`), which the collector never traces; the only per-record
 * objects are strings — the keys, and one JSON text of a session's claims and metadata.
 * Freed rows are reused.
 */
import type { RefreshTokenRecord, SessionRecord } from "../store.js";

/**
 * A flat copy of `text`, for strings a table keeps. A string built piece by piece (`a + b`, a
 * template, `+=` in a loop) may be a rope: one heap object per piece until something flattens
 * it, which can cost a 64-character hash ~1.4 kB instead of 80 bytes and multiplies the objects
 * the garbage collector must mark. The store cannot tell how a caller built its strings, and a
 * string kept for a session's lifetime is worth one copy.
 */
export function flatString(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * A growing range of row numbers with a free list threaded through a typed array: releasing a
 * row allocates nothing, so deleting a million records never grows (and copies) a list.
 */
class Rows {
  #nextFree: Int32Array = new Int32Array(0);
  #firstFree = -1;
  #next = 0;
  #capacity = 0;

  /** A free row; calls `grow` with the new capacity first when every row is taken. */
  take(grow: (capacity: number) => void): number {
    const reused = this.#firstFree;
    if (reused !== -1) {
      this.#firstFree = this.#nextFree[reused] as number;
      return reused;
    }
    if (this.#next === this.#capacity) {
      this.#capacity = Math.max(1024, this.#capacity * 2);
      this.#nextFree = grown(this.#nextFree, this.#capacity);
      grow(this.#capacity);
    }
    return this.#next++;
  }

  release(row: number): void {
    this.#nextFree[row] = this.#firstFree;
    this.#firstFree = row;
  }
}

/** `old` copied into a new typed array of the same kind and `length` elements. */
function grown<T extends Float64Array | Int32Array>(old: T, length: number): T {
  const next = new (old.constructor as new (length: number) => T)(length);
  next.set(old);
  return next;
}

const time = (date: Date | null): number => (date === null ? NaN : date.getTime());
const date = (milliseconds: number): Date | null => (Number.isNaN(milliseconds) ? null : new Date(milliseconds));

/** Offsets of a session's instants in {@link SessionTable.times}. */
const CREATED = 0;
const LAST_USED = 1;
const EXPIRES = 2;
const REVOKED = 3;
const SESSION_TIMES = 4;

/** Sessions by row. Strings handed in must be flat already (see `flatString`). */
export class SessionTable {
  readonly #rows = new Rows();
  readonly ids: (string | null)[] = [];
  readonly subjects: (string | null)[] = [];
  /** `JSON.stringify([claims, metadata])`: one string instead of a tree of objects. */
  readonly #data: (string | null)[] = [];
  readonly #issuers: (string | null)[] = [];
  readonly #audiences: (string | null)[] = [];
  /** The hashes of the session's tokens: one string, or an array once there are more. May name tokens already purged. */
  readonly tokenHashes: (string | string[] | null)[] = [];
  /** How many of `tokenHashes` are still stored; bounds the array's stale entries. */
  liveTokens: Int32Array = new Int32Array(0);
  /** The token row spent last, or -1: the one to compact when its successor is spent. */
  lastSpent: Int32Array = new Int32Array(0);
  #times: Float64Array = new Float64Array(0);

  insert(session: SessionRecord, id: string, subject: string, data: string, tokenHash: string): number {
    const row = this.#rows.take((capacity) => {
      this.liveTokens = grown(this.liveTokens, capacity);
      this.lastSpent = grown(this.lastSpent, capacity);
      this.#times = grown(this.#times, capacity * SESSION_TIMES);
    });
    this.ids[row] = id;
    this.subjects[row] = subject;
    this.#data[row] = data;
    this.#issuers[row] = session.issuer;
    this.#audiences[row] = session.audience;
    this.tokenHashes[row] = tokenHash;
    this.liveTokens[row] = 1;
    this.lastSpent[row] = -1;
    const at = row * SESSION_TIMES;
    this.#times[at + CREATED] = session.createdAt.getTime();
    this.#times[at + LAST_USED] = session.lastUsedAt.getTime();
    this.#times[at + EXPIRES] = session.expiresAt.getTime();
    this.#times[at + REVOKED] = time(session.revokedAt);
    return row;
  }

  /** A fresh copy of the session: `JSON.parse` is the deep copy of its claims and metadata. */
  record(row: number): SessionRecord {
    const [claims, metadata] = JSON.parse(this.#data[row] as string) as [SessionRecord["claims"], SessionRecord["metadata"]];
    const at = row * SESSION_TIMES;
    return {
      id: this.ids[row] as string,
      subject: this.subjects[row] as string,
      claims,
      metadata,
      createdAt: new Date(this.#times[at + CREATED] as number),
      lastUsedAt: new Date(this.#times[at + LAST_USED] as number),
      expiresAt: new Date(this.#times[at + EXPIRES] as number),
      revokedAt: date(this.#times[at + REVOKED] as number),
      issuer: this.#issuers[row] as string | null,
      audience: this.#audiences[row] as string | null,
    };
  }

  /** The binding and order of a session, without parsing its JSON: what eviction and revocation read. */
  summary(row: number): { id: string; createdAt: number; issuer: string | null; audience: string | null } {
    return { id: this.ids[row] as string, createdAt: this.createdAt(row), issuer: this.#issuers[row] as string | null, audience: this.#audiences[row] as string | null };
  }

  createdAt(row: number): number {
    return this.#times[row * SESSION_TIMES + CREATED] as number;
  }

  expiresAt(row: number): number {
    return this.#times[row * SESSION_TIMES + EXPIRES] as number;
  }

  isRevoked(row: number): boolean {
    return !Number.isNaN(this.#times[row * SESSION_TIMES + REVOKED]);
  }

  isActive(row: number, now: number): boolean {
    return !this.isRevoked(row) && this.expiresAt(row) > now;
  }

  touch(row: number, at: number): void {
    this.#times[row * SESSION_TIMES + LAST_USED] = at;
  }

  revoke(row: number, at: number): void {
    this.#times[row * SESSION_TIMES + REVOKED] = at;
  }

  release(row: number): void {
    this.ids[row] = this.subjects[row] = this.#data[row] = this.#issuers[row] = this.#audiences[row] = null;
    this.tokenHashes[row] = null;
    this.#rows.release(row);
  }
}

/** Offsets of a token's instants in {@link TokenTable.times}. */
const ISSUED = 0;
const TOKEN_EXPIRES = 1;
const SPENT = 2;
const TOKEN_TIMES = 3;

/** Tokens by row; a token's hash is its key in the store's map, not a column. */
export class TokenTable {
  readonly #rows = new Rows();
  /** The row of the token's session. */
  sessions: Int32Array = new Int32Array(0);
  readonly successors: (string | null)[] = [];
  readonly seals: (string | null)[] = [];
  #times: Float64Array = new Float64Array(0);

  insert(token: RefreshTokenRecord, sessionRow: number, successorHash: string | null, seal: string | null): number {
    const row = this.#rows.take((capacity) => {
      this.sessions = grown(this.sessions, capacity);
      this.#times = grown(this.#times, capacity * TOKEN_TIMES);
    });
    this.sessions[row] = sessionRow;
    this.successors[row] = successorHash;
    this.seals[row] = seal;
    const at = row * TOKEN_TIMES;
    this.#times[at + ISSUED] = token.issuedAt.getTime();
    this.#times[at + TOKEN_EXPIRES] = token.expiresAt.getTime();
    this.#times[at + SPENT] = time(token.spentAt);
    return row;
  }

  /** A fresh copy of the token stored under `hash` at `row`. */
  record(row: number, hash: string, sessionId: string): RefreshTokenRecord {
    const at = row * TOKEN_TIMES;
    return {
      hash,
      sessionId,
      issuedAt: new Date(this.#times[at + ISSUED] as number),
      expiresAt: new Date(this.#times[at + TOKEN_EXPIRES] as number),
      spentAt: date(this.#times[at + SPENT] as number),
      successorHash: this.successors[row] as string | null,
      sealedSuccessor: this.seals[row] as string | null,
    };
  }

  expiresAt(row: number): number {
    return this.#times[row * TOKEN_TIMES + TOKEN_EXPIRES] as number;
  }

  isSpent(row: number): boolean {
    return !Number.isNaN(this.#times[row * TOKEN_TIMES + SPENT]);
  }

  spend(row: number, at: number, successorHash: string, seal: string): void {
    this.#times[row * TOKEN_TIMES + SPENT] = at;
    this.successors[row] = successorHash;
    this.seals[row] = seal;
  }

  release(row: number): void {
    this.successors[row] = this.seals[row] = null;
    this.#rows.release(row);
  }
}
