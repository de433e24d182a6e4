/**
 * The verdict of a load run: the invariants it must satisfy, checked against what the clients
 * saw, what the server's manager reported and what the tables hold — and the printed report.
 */
import type { EventTally } from "./app.js";
import type { ChainReport } from "./chain.js";
import type { LoadTally } from "./clients.js";
import { ROUTES, type LoadHttp } from "./http.js";

/** Everything a finished run produced. */
export interface LoadRun {
  http: LoadHttp;
  tally: LoadTally;
  events: EventTally;
  chains: ChainReport;
  /** Requests the server counted, by "METHOD /path". */
  serverHits: Map<string, number>;
  seconds: number;
}

/**
 * Checks every invariant of a run.
 *
 * @param run - what the run produced
 * @returns one message per broken invariant; empty when all hold
 */
export function findViolations(run: LoadRun): string[] {
  const { http, tally, events, chains } = run;
  const attacked = tally.sessions.filter((session) => session.attacked);
  const rotations = sum(tally.sessions.map((session) => session.rotations));
  const loggedOut = tally.sessions.filter((session) => session.loggedOut).length;
  const serverRequests = sum(run.serverHits.values());
  const miscounted = tally.sessions.filter((session) => chains.lengths.get(session.sessionId) !== session.rotations + 1);
  const stillActive = tally.sessions.filter((session) => !chains.revoked.has(session.sessionId));
  const rules: [boolean, string][] = [
    [tally.replaysSent === events.count("reuse_detected"), `replays sent ${tally.replaysSent} ≠ reuse detections ${events.count("reuse_detected")}`],
    [tally.replaysRefused === tally.replaysSent, `only ${tally.replaysRefused} of ${tally.replaysSent} replays were refused with invalid_grant`],
    [sameMembers(events.reuseSessions, attacked.map((session) => session.sessionId)), "reuse was detected on other sessions than the attacked ones"],
    [events.count("revoked:reuse_detected") === tally.replaysSent, `${events.count("revoked:reuse_detected")} sessions revoked for reuse, ${tally.replaysSent} replays`],
    [tally.refusedAfterReuse === attacked.length, `${tally.refusedAfterReuse} of ${attacked.length} attacked clients were refused their next refresh`],
    [tally.tokensLost === 0, `${tally.tokensLost} tokens lost: refreshes of clients no replay had touched failed`],
    [tally.doubleIssued === 0, `${tally.doubleIssued} refresh tokens double-issued`],
    [http.unexpected().length === 0, `unexpected responses: ${http.unexpected().map(([what, count]) => `${count}× ${what}`).join(", ")}`],
    [events.count("refreshed:grace") === 0, `${events.count("refreshed:grace")} grace-window replays with reuseGraceSeconds 0`],
    [events.count("refreshed") === rotations, `server reported ${events.count("refreshed")} refreshes, clients got ${rotations}`],
    [events.count("revoked:logout") === loggedOut, `server reported ${events.count("revoked:logout")} logouts, ${loggedOut} clients logged out`],
    [events.count("issued") === tally.sessions.length, `server reported ${events.count("issued")} logins, clients got ${tally.sessions.length}`],
    [serverRequests === http.sent, `server counted ${serverRequests} requests, clients sent ${http.sent}`],
    [chains.sessions === tally.sessions.length, `${chains.sessions} sessions in the table, ${tally.sessions.length} logins`],
    [miscounted.length === 0, `${miscounted.length} sessions store other than 1 + the rotations their client saw (first: ${miscounted[0]?.sessionId})`],
    [stillActive.length === 0, `${stillActive.length} sessions still active after logout or reuse (first: ${stillActive[0]?.sessionId})`],
  ];
  return [...rules.filter(([holds]) => !holds).map(([, message]) => message), ...chains.violations];
}

function sameMembers(set: Set<string>, list: string[]): boolean {
  return set.size === list.length && list.every((item) => set.has(item));
}

/**
 * Prints the figures of a run and the violations, if any.
 *
 * @param run - what the run produced
 * @param violations - from {@link findViolations}
 */
export function printReport(run: LoadRun, violations: string[]): void {
  const { http, tally, events, chains } = run;
  console.log(`${"endpoint".padEnd(46)} ${"requests".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)}`);
  for (const [endpoint, samples] of http.latencies()) {
    const [p50, p99] = [percentile(samples, 50), percentile(samples, 99)].map((ms) => ms.toFixed(1).padStart(8));
    console.log(`${ROUTES[endpoint].label.padEnd(46)} ${String(samples.length).padStart(8)} ${p50} ${p99}`);
  }
  const rate = Math.round(http.sent / run.seconds);
  console.log(`total requests: ${http.sent} in ${run.seconds.toFixed(1)} s (${rate}/s); the server counted ${sum(run.serverHits.values())}`);
  console.log(`replays sent: ${tally.replaysSent}; refused: ${tally.replaysRefused}; reuse detected (server events): ${events.count("reuse_detected")}`);
  console.log(`attacked clients refused their next refresh (expected): ${tally.refusedAfterReuse}`);
  console.log(`tokens lost: ${tally.tokensLost}; double-issued: ${tally.doubleIssued}`);
  const unexpected = http.unexpected().map(([what, count]) => `${count}× ${what}`);
  console.log(`unexpected statuses: ${unexpected.length === 0 ? "none" : unexpected.join(", ")}`);
  console.log(`server events: ${events.entries().map(([kind, count]) => `${kind} ${count}`).join(", ")}`);
  console.log(`chains: ${chains.sessions} sessions, ${chains.tokens} tokens, ${chains.revoked.size} sessions revoked`);
  for (const violation of violations) console.log(`VIOLATION ${violation}`);
}

/** Nearest-rank percentile. */
function percentile(samples: number[], rank: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1)] ?? 0;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
