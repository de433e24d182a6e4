/**
 * A store that fails on cue: a real {@link MemoryRefreshTokenStore} behind a wrapper that
 * counts the calls of the operation under test and, at one chosen call, injects one fault —
 * a rejection, a synchronous throw, a call that never settles, or an answer of the wrong
 * shape — before or after letting the real store do its work.
 */
import { MemoryRefreshTokenStore, type RefreshTokenLookup, type RefreshTokenRecord, type RefreshTokenStore, type SessionRecord } from "tokenwise";

export type StoreMethod = keyof RefreshTokenStore;

/** One store call of an operation: the `occurrence`th call (from 1) of `method`. */
export interface CallPoint {
  method: StoreMethod;
  occurrence: number;
}

/** How a faulty call ends, once it has (or has not) done its work. */
export type Ending = "reject" | "throw" | "hang" | "late" | { answer: (real: unknown) => unknown };

/** One fault: what the call does to the real store, and how it ends. */
export interface Fault {
  /** Reads as the end of a sentence starting with the method's name. */
  name: string;
  /**
   * Whether the real store does the work (a commit whose reply is lost, or a buggy result
   * mapping). A `late` call does it only after the operation has given up on it.
   */
  works: boolean;
  ending: Ending;
}

/** The faults every method gets, whatever it returns. */
export const FAILURES = {
  rejectBefore: { name: "rejects before doing anything", works: false, ending: "reject" },
  throwBefore: { name: "throws synchronously before doing anything", works: false, ending: "throw" },
  hangBefore: { name: "never settles, doing nothing", works: false, ending: "hang" },
  late: { name: "does its work only after the timeout", works: true, ending: "late" },
  rejectAfter: { name: "rejects after doing its work (reply lost)", works: true, ending: "reject" },
  throwAfter: { name: "throws synchronously after doing its work", works: true, ending: "throw" },
  hangAfter: { name: "never answers after doing its work", works: true, ending: "hang" },
} as const satisfies Record<string, Fault>;

/** Answers of the wrong shape, each made from the real answer: label and maker. */
type WrongAnswer = [label: string, make: (real: unknown) => unknown];

const SAMPLE_TIME = new Date(Date.UTC(2026, 0, 1));
const SAMPLE_SESSION: SessionRecord = {
  id: "sample-session",
  subject: "sample",
  claims: {},
  metadata: {},
  createdAt: SAMPLE_TIME,
  lastUsedAt: SAMPLE_TIME,
  expiresAt: new Date(SAMPLE_TIME.getTime() + 86_400_000),
  revokedAt: null,
  issuer: null,
  audience: null,
};
const SAMPLE_LOOKUP: RefreshTokenLookup = {
  session: SAMPLE_SESSION,
  token: { hash: "0".repeat(64), sessionId: SAMPLE_SESSION.id, issuedAt: SAMPLE_TIME, expiresAt: SAMPLE_SESSION.expiresAt, spentAt: null, successorHash: null, sealedSuccessor: null },
};

const lookupOf = (real: unknown) => (real ?? SAMPLE_LOOKUP) as RefreshTokenLookup;
const sessionOf = (real: unknown) => (real ?? SAMPLE_SESSION) as SessionRecord;
/** The record as a JSON column would hand it back: every `Date` a string. */
const withDatesAsStrings = (record: unknown): unknown => JSON.parse(JSON.stringify(record));

const always = (value: unknown) => (): unknown => value;
const BOOLEAN_ANSWERS: WrongAnswer[] = [["1", always(1)], ['"false"', always("false")], ["undefined", always(undefined)], ["null", always(null)], ["{}", always({})], ["[true]", always([true])]];
const COUNT_ANSWERS: WrongAnswer[] = [['"2"', always("2")], ["-1", always(-1)], ["1.5", always(1.5)], ["NaN", always(Number.NaN)], ["undefined", always(undefined)], ["null", always(null)]];

const WRONG_ANSWERS: Record<StoreMethod, WrongAnswer[]> = {
  createSession: [["undefined", always(undefined)], ["null", always(null)], ["{}", always({})], ['"evicted"', always("evicted")], ["[1]", always([1])], ["[null]", always([null])]],
  findToken: [
    ["{}", always({})],
    ['"row"', always("row")],
    ["1", always(1)],
    ["undefined", always(undefined)],
    ["the lookup in an array", (real) => [lookupOf(real)]],
    ["a lookup whose session is null", (real) => ({ ...lookupOf(real), session: null })],
    ["a lookup whose token.sessionId differs from session.id", (real) => ({ ...lookupOf(real), token: { ...lookupOf(real).token, sessionId: "another-session" } })],
    ["a lookup with dates as strings", (real) => withDatesAsStrings(lookupOf(real))],
  ],
  spendToken: BOOLEAN_ANSWERS,
  // The manager ignores what touchSession resolves to: these must change nothing.
  touchSession: [['"false"', always("false")], ["null", always(null)], ["{}", always({})]],
  findSession: [
    ["{}", always({})],
    ['"false"', always("false")],
    ["1", always(1)],
    ["undefined", always(undefined)],
    ["the session in an array", (real) => [sessionOf(real)]],
    ["a session with dates as strings", (real) => withDatesAsStrings(sessionOf(real))],
    ["a session whose claims are null", (real) => ({ ...sessionOf(real), claims: null })],
  ],
  revokeSession: BOOLEAN_ANSWERS,
  revokeSubject: COUNT_ANSWERS,
  listSessions: [
    ["null", always(null)],
    ["undefined", always(undefined)],
    ["{}", always({})],
    ['"[]"', always("[]")],
    ["[1]", always([1])],
    ["[null]", always([null])],
    ["[{ id: 1 }]", always([{ id: 1 }])],
    ["the sessions with dates as strings", (real) => withDatesAsStrings(real)],
  ],
  purgeExpired: COUNT_ANSWERS,
};

/** Every fault worth injecting into a call of `method`. */
export function faultsFor(method: StoreMethod): Fault[] {
  const garbage = WRONG_ANSWERS[method].map(([label, make]): Fault => ({ name: `answers ${label} after doing its work`, works: true, ending: { answer: make } }));
  return [...Object.values(FAILURES), ...garbage];
}

/** Every token and session the store holds, as plain records keyed by hash and id. */
export interface StoreState {
  sessions: Record<string, SessionRecord>;
  tokens: Record<string, RefreshTokenRecord>;
}

/** Wraps each fault-free call of the act, e.g. to photograph the store around it. */
export type CallObserver = (point: CallPoint, run: () => Promise<unknown>) => Promise<unknown>;

/** What to do during the act. */
export interface ActPlan {
  /** The one fault to inject, and where. */
  fault?: { at: CallPoint; fault: Fault };
  observe?: CallObserver;
}

const injected = (what: string): Error => new Error(`injected fault: ${what}`);
const never = (): Promise<never> => new Promise<never>(() => undefined);

/**
 * The wrapper. Calls made before {@link beginAct} (the arrangement) go straight through and are
 * not counted; from then on each call is recorded in {@link calls}, and the planned fault fires
 * at its call point only.
 */
export class FaultyStore implements RefreshTokenStore {
  /** The real store: read it directly to see what is stored, behind the manager's back. */
  readonly inner: MemoryRefreshTokenStore = new MemoryRefreshTokenStore();
  /** The calls of the act so far. */
  readonly calls: CallPoint[] = [];
  /** Resolves when the planned fault's call has been entered. */
  readonly faultReached: Promise<void>;
  #reached!: () => void;
  #plan: ActPlan | null = null;
  #late: (() => Promise<unknown>) | null = null;
  readonly #substitutes = new Map<string, unknown>();
  readonly #sessionIds = new Set<string>();
  readonly #hashes = new Set<string>();

  constructor() {
    this.faultReached = new Promise((resolve) => (this.#reached = resolve));
  }

  /** Starts the act: calls are counted from here on, and `plan` applies. */
  beginAct(plan: ActPlan = {}): void {
    this.#plan = plan;
  }

  /** Ends the act: no more faults; a `late` call does its work now, and is awaited. */
  async endAct(): Promise<void> {
    this.#plan = null;
    const late = this.#late;
    this.#late = null;
    await late?.();
  }

  /**
   * During the act, answers `answer` for the call at `point` instead of asking the real store:
   * a read that saw the state before another caller's commit.
   */
  answerStale(point: CallPoint, answer: unknown): void {
    this.#substitutes.set(key(point), answer);
  }

  /** Everything this store was ever handed that still exists. */
  async state(): Promise<StoreState> {
    const state: StoreState = { sessions: {}, tokens: {} };
    for (const id of [...this.#sessionIds].sort()) {
      const session = await this.inner.findSession(id);
      if (session) state.sessions[id] = session;
    }
    for (const hash of [...this.#hashes].sort()) {
      const found = await this.inner.findToken(hash);
      if (found) state.tokens[hash] = found.token;
    }
    return state;
  }

  // Each method passes every argument through, so that the wrapper follows the contract as it grows.
  createSession(...args: Parameters<RefreshTokenStore["createSession"]>): Promise<string[]> {
    const [session, token] = args;
    this.#sessionIds.add(session.id);
    this.#hashes.add(token.hash);
    return this.#call("createSession", () => this.inner.createSession(...args)) as Promise<string[]>;
  }

  findToken(...args: Parameters<RefreshTokenStore["findToken"]>): Promise<RefreshTokenLookup | null> {
    return this.#call("findToken", () => this.inner.findToken(...args)) as Promise<RefreshTokenLookup | null>;
  }

  spendToken(...args: Parameters<RefreshTokenStore["spendToken"]>): Promise<boolean> {
    this.#hashes.add(args[0].successor.hash);
    return this.#call("spendToken", () => this.inner.spendToken(...args)) as Promise<boolean>;
  }

  touchSession(...args: Parameters<RefreshTokenStore["touchSession"]>): Promise<void> {
    return this.#call("touchSession", () => this.inner.touchSession(...args)) as Promise<void>;
  }

  findSession(...args: Parameters<RefreshTokenStore["findSession"]>): Promise<SessionRecord | null> {
    return this.#call("findSession", () => this.inner.findSession(...args)) as Promise<SessionRecord | null>;
  }

  revokeSession(...args: Parameters<RefreshTokenStore["revokeSession"]>): Promise<boolean> {
    return this.#call("revokeSession", () => this.inner.revokeSession(...args)) as Promise<boolean>;
  }

  revokeSubject(...args: Parameters<RefreshTokenStore["revokeSubject"]>): Promise<number> {
    return this.#call("revokeSubject", () => this.inner.revokeSubject(...args)) as Promise<number>;
  }

  listSessions(...args: Parameters<RefreshTokenStore["listSessions"]>): Promise<SessionRecord[]> {
    return this.#call("listSessions", () => this.inner.listSessions(...args)) as Promise<SessionRecord[]>;
  }

  purgeExpired(...args: Parameters<RefreshTokenStore["purgeExpired"]>): Promise<number> {
    return this.#call("purgeExpired", () => this.inner.purgeExpired(...args)) as Promise<number>;
  }

  /**
   * Not `async`, so that a fault can throw synchronously. The memory store's methods run to
   * completion when called (they never await), so the work is done when `work()` returns.
   */
  #call(method: StoreMethod, real: () => Promise<unknown>): Promise<unknown> {
    const plan = this.#plan;
    if (!plan) return real();
    const point = { method, occurrence: this.calls.filter((call) => call.method === method).length + 1 };
    this.calls.push(point);
    const work = this.#substitutes.has(key(point)) ? () => Promise.resolve(this.#substitutes.get(key(point))) : real;
    const planned = plan.fault;
    if (!planned || key(planned.at) !== key(point)) return plan.observe ? plan.observe(point, work) : work();
    this.#reached();
    const { fault } = planned;
    if (fault.ending === "late") {
      return new Promise((resolve) => {
        this.#late = async () => {
          const done = work();
          resolve(done);
          await done.catch(() => undefined);
        };
      });
    }
    const done = fault.works ? work() : Promise.resolve(undefined);
    const what = `${method}() ${fault.name}`;
    switch (fault.ending) {
      case "reject":
        return done.then(() => Promise.reject(injected(what)));
      case "throw":
        done.catch(() => undefined);
        throw injected(what);
      case "hang":
        return done.then(never);
      default:
        return done.then(fault.ending.answer);
    }
  }
}

function key(point: CallPoint): string {
  return `${point.method}#${point.occurrence}`;
}
