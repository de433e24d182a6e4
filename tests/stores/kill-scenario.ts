/**
 * The connection-kill scenario, for any store: several sessions are refreshed step after step,
 * each step by a few callers at once presenting the same token (tabs racing, within the grace
 * window), while the store's connections keep being killed from outside. After every round the
 * stored tokens are read behind the store's back: every chain must be linear and every client's
 * last token the head of its chain (or the token it replaced, its reply lost to a kill), and
 * refreshable. A refresh that fails must fail with `store_error`.
 */
import { hashRefreshToken, isTokenwiseError, type TokenManager } from "tokenwise";
import { expect } from "vitest";
import { chainProblems, type ChainLink } from "./chains.js";

export const SESSIONS = 8;
export const CALLERS_PER_STEP = 3;
const ROUNDS = 4;
const STEPS_PER_ROUND = 12;
/** Steps completed (over all sessions) between two kills: the killer paces itself on progress, not on a clock. */
const STEPS_BETWEEN_KILLS = 4;
/** A round stops early if it runs this long (a safety net: rounds take well under a second). */
const ROUND_LIMIT_MS = 8_000;
/** The grace window the manager under test must use. */
export const GRACE_SECONDS = 10;

/** The store's connections, as the killer and the checker see them. */
export interface KillTarget {
  /** Kills every connection of the store's client that exists right now; returns how many. */
  killConnections(): Promise<number>;
  /** Every stored token, and whether each stored session is revoked, read behind the store's back. */
  readState(): Promise<{ links: ChainLink[]; revoked: Map<string, boolean> }>;
  /** Resolves once the store's client has reconnected after the last kill, for clients that fail fast until then. */
  reconnected?(): Promise<void>;
}

/** One client's session: the last refresh token it was handed. */
interface Chain {
  subject: string;
  sessionId: string;
  current: string;
  /** Set once reuse detection revoked the session for a reason the test can explain. */
  revokedForReuse?: true;
}

/** A refresh that ended in `refresh_token_reused`, to be explained from the stored rows. */
interface Reuse {
  chain: Chain;
  presented: string;
  /** When the refresh settled: no later than the manager's clock read during it. */
  settledAt: number;
}

/** What the run saw. */
export interface Tally {
  refreshes: number;
  storeErrors: number;
  kills: number;
  /** Clients that held a token whose spend had committed with its reply lost, and recovered it. */
  recoveredThroughGrace: number;
  reuses: Reuse[];
  /** Anything a refresh must never end with. */
  unexpected: string[];
}

/** Completed steps; the killer waits on it. */
class Progress {
  #done = 0;
  #waiters: { at: number; resolve: () => void }[] = [];

  step(): void {
    this.#done++;
    this.#waiters = this.#waiters.filter((waiter) => (waiter.at <= this.#done ? void waiter.resolve() : true));
  }

  /** Resolves once `count` more steps have completed, or on {@link release}. */
  after(count: number): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ at: this.#done + count, resolve }));
  }

  release(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }
}

/** Several callers present the chain's token at once; every one that succeeds must get the same successor. */
async function step(tokens: TokenManager, chain: Chain, tally: Tally): Promise<void> {
  const presented = chain.current;
  const outcomes = await Promise.allSettled(Array.from({ length: CALLERS_PER_STEP }, () => tokens.refresh(presented)));
  tally.refreshes += outcomes.length;
  const successors = new Set<string>();
  for (const outcome of outcomes) {
    const code = outcome.status === "rejected" && isTokenwiseError(outcome.reason) ? outcome.reason.code : null;
    if (outcome.status === "fulfilled") successors.add(outcome.value.refreshToken);
    else if (code === "store_error") tally.storeErrors++;
    else if (code === "refresh_token_reused") tally.reuses.push({ chain, presented, settledAt: Date.now() });
    else tally.unexpected.push(`${chain.subject}: ${outcome.reason instanceof Error ? `${outcome.reason.name}: ${outcome.reason.message}` : String(outcome.reason)}`);
  }
  if (successors.size > 1) tally.unexpected.push(`${chain.subject}: the callers of one step got ${successors.size} different successors`);
  const [successor] = successors;
  if (successor) chain.current = successor;
}

/** Every chain runs its steps while the killer kills the store's connections every few steps. */
async function runRound(tokens: TokenManager, chains: Chain[], target: KillTarget, tally: Tally): Promise<void> {
  const progress = new Progress();
  let running = true;
  const killer = (async () => {
    while (running) {
      await progress.after(STEPS_BETWEEN_KILLS);
      if (running) tally.kills += await target.killConnections();
    }
  })();
  const deadline = Date.now() + ROUND_LIMIT_MS;
  try {
    await Promise.all(
      chains.map(async (chain) => {
        for (let count = 0; count < STEPS_PER_ROUND && Date.now() < deadline && !chain.revokedForReuse; count++) {
          await step(tokens, chain, tally);
          progress.step();
        }
      }),
    );
  } finally {
    running = false;
    progress.release();
    await killer;
  }
}

/**
 * Reuse detection has nothing to catch here: the callers of a step present the same token, and
 * the next step waits for them all. It can only fire when a token is presented again beyond the
 * window (steps failing one after the other for longer than it): explain each from its row.
 */
function explainReuses(links: ChainLink[], tally: Tally): void {
  for (const { chain, presented, settledAt } of tally.reuses.splice(0)) {
    const spentAt = links.find((link) => link.hash === hashRefreshToken(presented))?.spentAt;
    if (spentAt && settledAt - spentAt.getTime() >= GRACE_SECONDS * 1000) chain.revokedForReuse = true;
    else tally.unexpected.push(`${chain.subject}: refresh_token_reused for a token spent ${spentAt ? `${settledAt - spentAt.getTime()} ms` : "never"} before`);
  }
}

/** With the killer stopped: the chains are linear, and each client holds its head (or the token the head replaced). */
async function expectChainsWhole(target: KillTarget, chains: Chain[], tally: Tally, round: number): Promise<void> {
  const { links, revoked } = await target.readState();
  expect(chainProblems(links, new Set(revoked.keys())), `round ${round}: chain problems`).toEqual([]);
  explainReuses(links, tally);
  expect(tally.unexpected, `round ${round}`).toEqual([]);
  for (const chain of chains) {
    const where = `round ${round}, ${chain.subject}`;
    expect(revoked.get(chain.sessionId), `${where}: revoked exactly when reuse detection explains it`).toBe(chain.revokedForReuse === true);
    if (chain.revokedForReuse) continue;
    const head = links.find((link) => link.sessionId === chain.sessionId && link.spentAt === null);
    const held = links.find((link) => link.hash === hashRefreshToken(chain.current));
    expect(head, `${where}: the chain has a head`).toBeDefined();
    // The head itself, or the token it replaced when no caller got the reply of the spend.
    expect([held?.hash, held?.successorHash], `${where}: the client's last token leads to the head`).toContain(head?.hash);
    if (held?.hash !== head?.hash) tally.recoveredThroughGrace++;
  }
}

/**
 * With the killer stopped, the token a client holds must work, directly or replayed within the
 * window. The client may still hold a connection killed in the last round, which fails once
 * with `store_error`: retry that, as a client would.
 */
async function refreshOnceReachable(tokens: TokenManager, token: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await tokens.refresh(token)).refreshToken;
    } catch (error) {
      if (attempt === 3 || !isTokenwiseError(error) || error.code !== "store_error") throw error;
    }
  }
}

/**
 * Runs the scenario against `tokens` (whose store goes through the connections `target` kills;
 * `reuseGraceSeconds` must be {@link GRACE_SECONDS}) and checks every round. Returns what it saw.
 */
export async function runConnectionKills(name: string, tokens: TokenManager, target: KillTarget): Promise<Tally> {
  const chains = await Promise.all(
    Array.from({ length: SESSIONS }, async (_, index): Promise<Chain> => {
      const subject = `chain-${index}`;
      const pair = await tokens.issue({ subject });
      return { subject, sessionId: pair.sessionId, current: pair.refreshToken };
    }),
  );
  const tally: Tally = { refreshes: 0, storeErrors: 0, kills: 0, recoveredThroughGrace: 0, reuses: [], unexpected: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    await runRound(tokens, chains, target, tally);
    await expectChainsWhole(target, chains, tally, round);
    await target.reconnected?.();
    for (const chain of chains.filter((live) => !live.revokedForReuse)) chain.current = await refreshOnceReachable(tokens, chain.current);
  }
  expect(tally.kills, "the killer found connections to kill").toBeGreaterThan(0);
  const revokedForReuse = chains.filter((chain) => chain.revokedForReuse).length;
  console.info(
    `${name}: ${tally.refreshes} refreshes, ${tally.kills} connections killed, ${tally.storeErrors} store_error, ` +
      `${tally.recoveredThroughGrace} lost replies recovered through the grace window, ${revokedForReuse} sessions revoked for explained reuse`,
  );
  return tally;
}
