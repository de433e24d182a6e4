/**
 * What "a session's chain is whole" means, checked on a dump of stored tokens: the shared
 * verdict of the fault-injection suites, whether the dump comes from the memory store or from
 * SQL rows read behind the store's back.
 */

/** The fields of a stored refresh token that the chain is made of. */
export interface ChainLink {
  hash: string;
  sessionId: string;
  issuedAt: Date;
  spentAt: Date | null;
  successorHash: string | null;
  sealedSuccessor: string | null;
}

/**
 * Lists every way the stored tokens break a linear chain; empty when every session is whole:
 * - nothing half-rotated: a token is spent exactly when it has a successor hash and a seal (the
 *   seal may be forgotten once the successor is spent too);
 * - no dangling link: every successor exists, in the same session, issued when its predecessor was spent;
 * - no fork: no token is the successor of two tokens;
 * - one head: at most one unspent token per session;
 * - one chain: a session's tokens hang from a single first token;
 * - no orphan: every token's session exists, when `sessionIds` is given.
 *
 * @param links - every stored token (of the sessions under test)
 * @param sessionIds - the stored sessions, to find tokens without one
 * @returns one sentence per problem
 */
export function chainProblems(links: readonly ChainLink[], sessionIds?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const byHash = new Map(links.map((link) => [link.hash, link]));
  const predecessorOf = new Map<string, string>();
  const bySession = new Map<string, ChainLink[]>();
  for (const link of links) {
    bySession.set(link.sessionId, [...(bySession.get(link.sessionId) ?? []), link]);
    const name = `token ${link.hash.slice(0, 8)} of session ${link.sessionId}`;
    if (sessionIds && !sessionIds.has(link.sessionId)) problems.push(`${name} has no session`);
    const spent = link.spentAt !== null;
    // A store may forget the seal of a spent token once its successor is spent too.
    const sealForgotten = spent && link.sealedSuccessor === null && link.successorHash !== null && byHash.get(link.successorHash)?.spentAt != null;
    if (spent !== (link.successorHash !== null) || (spent !== (link.sealedSuccessor !== null) && !sealForgotten)) {
      problems.push(`${name} is half-rotated (spentAt ${String(link.spentAt)}, successor ${link.successorHash}, seal ${link.sealedSuccessor})`);
    }
    if (link.successorHash === null) continue;
    const successor = byHash.get(link.successorHash);
    if (!successor) problems.push(`${name} names a successor that does not exist`);
    else if (successor.sessionId !== link.sessionId) problems.push(`${name} names a successor of session ${successor.sessionId}`);
    else if (successor.issuedAt.getTime() !== link.spentAt?.getTime()) problems.push(`${name} was spent at another instant than its successor was issued`);
    const other = predecessorOf.get(link.successorHash);
    if (other) problems.push(`fork: ${name} and token ${other.slice(0, 8)} share the successor ${link.successorHash.slice(0, 8)}`);
    predecessorOf.set(link.successorHash, link.hash);
  }
  for (const [sessionId, chain] of bySession) {
    const heads = chain.filter((link) => link.spentAt === null).length;
    if (heads > 1) problems.push(`session ${sessionId} has ${heads} unspent tokens`);
    const firsts = chain.filter((link) => !predecessorOf.has(link.hash)).length;
    if (firsts !== 1) problems.push(`session ${sessionId} has ${firsts} first tokens: its tokens are not one chain`);
  }
  return problems;
}
