/**
 * Connections killed under load, on real PostgreSQL and MariaDB: several sessions are
 * refreshed step after step, each step by a few callers at once presenting the same token (tabs
 * racing, within the grace window), while a control connection keeps killing the store pool's
 * backends. After every round the tables are read behind the store's back: every chain must be
 * linear and every client's last token the head of its chain (or the token it replaced, its
 * reply lost to a kill), and refreshable. A refresh that fails must fail with `store_error`.
 */
import mysql from "mysql2/promise";
import pg from "pg";
import { hashRefreshToken, isTokenwiseError, TokenManager } from "tokenwise";
import { SqlRefreshTokenStore, wrapMysql2Pool, wrapPgPool, type SqlClient } from "tokenwise/sql";
import { afterAll, describe, expect, it } from "vitest";
import { chainProblems, type ChainLink } from "./chains.js";
import { MYSQL_CONFIG, openMariadb, openOrSkip, openPostgres, openStore, PG_CONFIG, uniquePrefix, type DatabaseOpener, type TestDatabase } from "./databases.js";

const SESSIONS = 8;
const CALLERS_PER_STEP = 3;
const ROUNDS = 4;
const STEPS_PER_ROUND = 12;
/** Steps completed (over all sessions) between two kills: the killer paces itself on progress, not on a clock. */
const STEPS_BETWEEN_KILLS = 4;
/** A round stops early if it runs this long (a safety net: rounds take well under a second). */
const ROUND_LIMIT_MS = 8_000;
const GRACE_SECONDS = 10;

/** The store's pool, and a way to kill its backend connections from outside it. */
interface KillablePool {
  client: SqlClient;
  /** Kills every backend connection of the pool that exists right now; returns how many. */
  killConnections(): Promise<number>;
  end(): Promise<void>;
}

/** PostgreSQL: the pool's connections carry an `application_name` no one else uses. */
async function postgresPool(): Promise<KillablePool> {
  const applicationName = `tokenwise_kills_${uniquePrefix()}`;
  const pool = new pg.Pool({ ...PG_CONFIG, max: 6, application_name: applicationName, connectionTimeoutMillis: 3_000 });
  pool.on("error", () => undefined); // an idle connection was killed: the pool drops it
  const control = new pg.Client(PG_CONFIG);
  await control.connect();
  return {
    client: wrapPgPool(pool),
    async killConnections() {
      const sql = "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1";
      const { rows } = await control.query<{ killed: boolean }>(sql, [applicationName]);
      return rows.filter((row) => row.killed).length;
    },
    end: async () => void (await Promise.all([pool.end(), control.end()])),
  };
}

/** MariaDB: the pool reports each new connection's thread id; only those are killed. */
async function mariadbPool(): Promise<KillablePool> {
  const pool = mysql.createPool({ ...MYSQL_CONFIG, connectionLimit: 6, connectTimeout: 3_000 });
  const threadIds = new Set<number>();
  pool.on("connection", (connection) => {
    threadIds.add(connection.threadId);
    connection.on("error", () => undefined); // killed while idle: the pool drops it
  });
  const control = await mysql.createConnection(MYSQL_CONFIG);
  return {
    client: wrapMysql2Pool(pool),
    async killConnections() {
      const [rows] = await control.query("SELECT id FROM information_schema.processlist");
      let killed = 0;
      for (const { id } of rows as { id: number }[]) {
        // A connection may close on its own between the listing and the kill.
        if (threadIds.has(Number(id))) await control.query(`KILL CONNECTION ${Number(id)}`).then(() => killed++, () => undefined);
      }
      return killed;
    },
    end: async () => void (await Promise.all([pool.end(), control.end()])),
  };
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
interface Tally {
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

/** Every chain runs its steps while the killer kills the pool's connections every few steps. */
async function runRound(tokens: TokenManager, chains: Chain[], pool: KillablePool, tally: Tally): Promise<void> {
  const progress = new Progress();
  let running = true;
  const killer = (async () => {
    while (running) {
      await progress.after(STEPS_BETWEEN_KILLS);
      if (running) tally.kills += await pool.killConnections();
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

/** Every token and session of the run's tables, read with plain SQL. */
async function readTables(db: TestDatabase, prefix: string): Promise<{ links: ChainLink[]; revoked: Map<string, boolean> }> {
  const tokenRows = await db.client.query(`SELECT hash, session_id, issued_at, spent_at, successor_hash, sealed_successor FROM ${prefix}refresh_tokens`, []);
  const sessionRows = await db.client.query(`SELECT id, revoked_at FROM ${prefix}sessions`, []);
  const time = (value: unknown): Date | null => (value === null ? null : new Date(Number(value)));
  const links = tokenRows.rows.map((row) => ({
    hash: String(row.hash),
    sessionId: String(row.session_id),
    issuedAt: time(row.issued_at) as Date,
    spentAt: time(row.spent_at),
    successorHash: row.successor_hash === null ? null : String(row.successor_hash),
    sealedSuccessor: row.sealed_successor === null ? null : String(row.sealed_successor),
  }));
  return { links, revoked: new Map(sessionRows.rows.map((row) => [String(row.id), row.revoked_at !== null])) };
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
async function expectChainsWhole(db: TestDatabase, prefix: string, chains: Chain[], tally: Tally, round: number): Promise<void> {
  const { links, revoked } = await readTables(db, prefix);
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
 * window. The pool may still hand out a connection killed in the last round, which fails once
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

const SERVERS: [string, DatabaseOpener, () => Promise<KillablePool>][] = [
  ["PostgreSQL", openPostgres, postgresPool],
  ["MariaDB", openMariadb, mariadbPool],
];

for (const [name, open, openKillablePool] of SERVERS) {
  const database = await openOrSkip(open);
  describe.skipIf(!database)(`${name}: refresh chains while the store's connections are killed`, () => {
    const db = database as TestDatabase;
    afterAll(() => db.close());

    it(`${SESSIONS} sessions × ${CALLERS_PER_STEP} racing callers: chains stay linear, every last token stays refreshable, failures are store_error`, async () => {
      const prefix = uniquePrefix();
      await openStore(db, prefix); // the tables, migrated through the control pool and dropped at close
      const pool = await openKillablePool();
      try {
        const store = new SqlRefreshTokenStore({ client: pool.client, tablePrefix: prefix });
        const secret = crypto.getRandomValues(new Uint8Array(32));
        const tokens = new TokenManager({ issuer: "https://kills.test", audience: "api", signingKeys: [{ alg: "HS256", secret }], store, reuseGraceSeconds: GRACE_SECONDS, storeTimeout: "3s" });
        const chains = await Promise.all(
          Array.from({ length: SESSIONS }, async (_, index): Promise<Chain> => {
            const subject = `chain-${index}`;
            const pair = await tokens.issue({ subject });
            return { subject, sessionId: pair.sessionId, current: pair.refreshToken };
          }),
        );
        const tally: Tally = { refreshes: 0, storeErrors: 0, kills: 0, recoveredThroughGrace: 0, reuses: [], unexpected: [] };
        for (let round = 1; round <= ROUNDS; round++) {
          await runRound(tokens, chains, pool, tally);
          await expectChainsWhole(db, prefix, chains, tally, round);
          for (const chain of chains.filter((live) => !live.revokedForReuse)) chain.current = await refreshOnceReachable(tokens, chain.current);
        }
        expect(tally.kills, "the killer found connections to kill").toBeGreaterThan(0);
        expect(tally.storeErrors, "the kills hit refreshes in flight").toBeGreaterThan(0);
        const revokedForReuse = chains.filter((chain) => chain.revokedForReuse).length;
        console.info(
          `${name}: ${tally.refreshes} refreshes, ${tally.kills} connections killed, ${tally.storeErrors} store_error, ` +
            `${tally.recoveredThroughGrace} lost replies recovered through the grace window, ${revokedForReuse} sessions revoked for explained reuse`,
        );
      } finally {
        await pool.end();
      }
    });
  });
}
