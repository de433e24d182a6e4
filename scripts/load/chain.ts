/**
 * Chain integrity, read straight from the store's PostgreSQL tables after the load: every
 * session's refresh tokens must form one linear chain — each spent token has exactly one
 * successor row in its session, no token is the successor of two, one head, one unspent tail
 * (or the session is revoked), and walking from the head reaches every token.
 */
import type { SqlExecutor, TableNames } from "tokenwise/sql";

/** Walks longer than this are cut short, so a cycle cannot run the query forever. */
const MAX_CHAIN = 10_000;

/** What the tables say about the sessions' chains. */
export interface ChainReport {
  sessions: number;
  tokens: number;
  /** Chain length (tokens) by session id. */
  lengths: Map<string, number>;
  /** Sessions revoked by the end of the run. */
  revoked: Set<string>;
  /** Every broken rule, with how many tokens or sessions break it. */
  violations: string[];
}

/** One session's chain, as counted by {@link perSessionSql}. */
interface ChainRow {
  id: string;
  revoked: boolean;
  tokens: number;
  heads: number;
  tails: number;
  walked: number;
}

/**
 * Inspects every session's chain.
 *
 * @param executor - the database the store used
 * @param tables - the store's table names (`tableNames(prefix)`)
 * @returns counts, chain lengths and violations
 */
export async function inspectChains(executor: SqlExecutor, tables: TableNames): Promise<ChainReport> {
  const { rows } = await executor.query(perSessionSql(tables), []);
  const chains = rows.map(
    (row): ChainRow => ({
      id: String(row.id),
      revoked: row.revoked === true,
      tokens: Number(row.tokens),
      heads: Number(row.heads),
      tails: Number(row.tails),
      walked: Number(row.walked),
    }),
  );
  const links = (await executor.query(linkSql(tables), [])).rows[0] ?? {};
  const violations = [
    countViolation(Number(links.broken), "spent tokens without exactly one successor row in their session (or unspent tokens naming one)"),
    countViolation(Number(links.shared), "tokens named as the successor of two or more tokens"),
    countViolation(Number(links.orphans), "tokens whose session row is missing"),
    countViolation(chains.filter((chain) => chain.heads !== 1).length, "sessions whose chain has no single head"),
    countViolation(chains.filter((chain) => chain.tails !== 1 && !chain.revoked).length, "active sessions without exactly one unspent tail"),
    countViolation(chains.filter((chain) => chain.walked !== chain.tokens).length, "sessions whose chain, walked from its head, misses or repeats tokens"),
  ].filter((violation): violation is string => violation !== null);
  return {
    sessions: chains.length,
    tokens: chains.reduce((total, chain) => total + chain.tokens, 0),
    lengths: new Map(chains.map((chain) => [chain.id, chain.tokens])),
    revoked: new Set(chains.filter((chain) => chain.revoked).map((chain) => chain.id)),
    violations,
  };
}

function countViolation(count: number, rule: string): string | null {
  return count === 0 ? null : `chain integrity: ${count} ${rule}`;
}

/** Per session: its tokens, heads (no predecessor), unspent tails, and tokens reached from the heads. */
function perSessionSql({ sessions, tokens }: TableNames): string {
  return `WITH RECURSIVE heads AS (
  SELECT t.hash, t.session_id FROM ${tokens} t
  WHERE NOT EXISTS (SELECT 1 FROM ${tokens} p WHERE p.successor_hash = t.hash)
), walk AS (
  SELECT session_id, hash, 1 AS depth FROM heads
  UNION ALL
  SELECT successor.session_id, successor.hash, walk.depth + 1
  FROM walk JOIN ${tokens} spent ON spent.hash = walk.hash
  JOIN ${tokens} successor ON successor.hash = spent.successor_hash AND successor.session_id = walk.session_id
  WHERE walk.depth < ${MAX_CHAIN}
)
SELECT s.id, s.revoked_at IS NOT NULL AS revoked,
  (SELECT COUNT(*) FROM ${tokens} t WHERE t.session_id = s.id) AS tokens,
  (SELECT COUNT(*) FROM heads h WHERE h.session_id = s.id) AS heads,
  (SELECT COUNT(*) FROM ${tokens} t WHERE t.session_id = s.id AND t.spent_at IS NULL) AS tails,
  (SELECT COUNT(*) FROM walk w WHERE w.session_id = s.id) AS walked
FROM ${sessions} s`;
}

/** Links that break the chain rules, whatever session they are in. */
function linkSql({ sessions, tokens }: TableNames): string {
  return `SELECT
  (SELECT COUNT(*) FROM ${tokens} t LEFT JOIN ${tokens} successor ON successor.hash = t.successor_hash
   WHERE (t.spent_at IS NULL) <> (t.successor_hash IS NULL)
      OR (t.successor_hash IS NOT NULL AND (successor.hash IS NULL OR successor.session_id <> t.session_id))) AS broken,
  (SELECT COUNT(*) FROM (SELECT successor_hash FROM ${tokens} WHERE successor_hash IS NOT NULL
   GROUP BY successor_hash HAVING COUNT(*) > 1) shared) AS shared,
  (SELECT COUNT(*) FROM ${tokens} t WHERE NOT EXISTS (SELECT 1 FROM ${sessions} s WHERE s.id = t.session_id)) AS orphans`;
}
