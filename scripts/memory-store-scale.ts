/**
 * What `MemoryRefreshTokenStore` costs at scale: heap per session, garbage-collection pauses,
 * and how long `purgeExpired` takes and blocks the event loop. A measurement, not a test: it
 * asserts nothing and prints numbers.
 *
 * 1. Builds N sessions (default 1,000,000), each by `createSession` with one token and 8 small
 *    claims, as the manager would store them; reports heap used after a forced GC, per session.
 * 2. Times forced full collections (`gc()`), and reports every major GC V8 ran (from
 *    `PerformanceObserver` "gc" entries: V8's own mark-compact pause durations).
 * 3. Purges once with nothing expired, then once when every session has ended; reports each
 *    purge's total time and the longest the event loop waited meanwhile (a `setImmediate`
 *    ticker's largest gap, and `monitorEventLoopDelay`'s maximum).
 * 4. On a fresh store, refreshes S sessions (default 10,000) every 15 minutes for a simulated
 *    week (672 spends each) and reports heap per session and per spent token kept.
 *
 * Run (from the repository root; needs no build):
 *   node --expose-gc --import tsx scripts/memory-store-scale.ts [--sessions N] [--week-sessions S] [--purge-batch B]
 *   npm run scale:memory -- --sessions 200000
 * Add `--trace-gc` to see V8's own log of every collection ("Mark-Compact … ms").
 */
import { createHash, randomBytes } from "node:crypto";
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { MemoryRefreshTokenStore } from "../src/memory-store.js";
import type { RefreshTokenRecord, SessionRecord } from "../src/store.js";

const { values } = parseArgs({
  options: {
    sessions: { type: "string", default: "1000000" },
    "week-sessions": { type: "string", default: "10000" },
    "purge-batch": { type: "string" },
  },
});
const SESSIONS = Number(values.sessions);
const WEEK_SESSIONS = Number(values["week-sessions"]);
const PURGE_BATCH = values["purge-batch"] === undefined ? undefined : Number(values["purge-batch"]);
const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const ISSUER = "https://auth.example.com";
const AUDIENCE = "api";

const exposedGc = globalThis.gc;
if (!exposedGc) throw new Error("run with node --expose-gc (see the top of this file)");
const collect: () => void = () => void exposedGc();

const majorPauses: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    // kind 4 = NODE_PERFORMANCE_GC_MAJOR (mark-compact)
    if (entry.detail?.kind === 4) majorPauses.push(entry.duration);
  }
}).observe({ entryTypes: ["gc"] });

/** Lets the observer receive the GC entries queued so far. */
const flushGcEntries = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

const heapUsed = (): number => {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
};
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const ms = (milliseconds: number): string => `${milliseconds.toFixed(1)} ms`;
const hash = (): string => createHash("sha256").update(randomBytes(32)).digest("hex");

function session(index: number, createdAt: number, lifetime: number): { session: SessionRecord; token: RefreshTokenRecord } {
  const record: SessionRecord = {
    id: randomBytes(16).toString("base64url"),
    subject: `user-${index}`,
    claims: { role: "member", plan: "pro", org: "acme", tenant: index % 100, locale: "en-GB", mfa: true, tier: 2, region: "eu-west-1" },
    metadata: {},
    createdAt: new Date(createdAt),
    lastUsedAt: new Date(createdAt),
    expiresAt: new Date(createdAt + lifetime),
    revokedAt: null,
    issuer: ISSUER,
    audience: AUDIENCE,
  };
  const token: RefreshTokenRecord = {
    hash: hash(),
    sessionId: record.id,
    issuedAt: record.createdAt,
    expiresAt: new Date(createdAt + Math.min(lifetime, 14 * DAY)),
    spentAt: null,
    successorHash: null,
    sealedSuccessor: null,
  };
  return { session: record, token };
}

function timeForcedGc(runs: number): { max: number; mean: number } {
  const pauses: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    collect();
    pauses.push(performance.now() - start);
  }
  return { max: Math.max(...pauses), mean: pauses.reduce((a, b) => a + b, 0) / runs };
}

/** Runs `work` while measuring the event loop: the largest gap between `setImmediate` ticks, and the delay histogram's maximum. */
async function measureBlocking<T>(work: () => Promise<T>): Promise<{ result: T; total: number; maxGap: number; maxDelay: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let maxGap = 0;
  let last = performance.now();
  let ticking = true;
  const tick = (): void => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const start = performance.now();
  const result = await work();
  const total = performance.now() - start;
  ticking = false;
  histogram.disable();
  return { result, total, maxGap: Math.max(maxGap, performance.now() - last), maxDelay: histogram.max / 1e6 };
}

async function measureSessions(): Promise<void> {
  console.log(`== ${SESSIONS.toLocaleString("en")} sessions, one token and 8 small claims each`);
  const before = heapUsed();
  const store = new MemoryRefreshTokenStore(PURGE_BATCH === undefined ? {} : { purgeBatchSize: PURGE_BATCH });
  const start = Date.UTC(2026, 0, 1);
  const buildStart = performance.now();
  for (let index = 0; index < SESSIONS; index++) {
    // Staggered over a day of logins, each lasting 30 days.
    const { session: record, token } = session(index, start + (index % DAY), 30 * DAY);
    await store.createSession(record, token);
  }
  const built = performance.now() - buildStart;
  const after = heapUsed();
  console.log(`built in ${(built / 1000).toFixed(1)} s; heap ${mb(after - before)}: ${((after - before) / SESSIONS).toFixed(0)} bytes/session`);
  const forced = timeForcedGc(5);
  console.log(`forced full GC (gc()): max ${ms(forced.max)}, mean ${ms(forced.mean)}`);
  await flushGcEntries();
  console.log(`V8 major GCs so far (the forced ones included): ${majorPauses.length}, longest ${ms(Math.max(0, ...majorPauses))}`);

  // Let V8 finish sweeping after the forced collections, as it would have long before a real purge.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idle = await measureBlocking(() => store.purgeExpired(new Date(start + DAY)));
  console.log(`purge with nothing expired: ${idle.result} rows, ${ms(idle.total)} total, longest event-loop gap ${ms(idle.maxGap)}`);
  await flushGcEntries();
  majorPauses.length = 0;
  const full = await measureBlocking(() => store.purgeExpired(new Date(start + 31 * DAY)));
  console.log(
    `purge of everything: ${full.result.toLocaleString("en")} rows, ${ms(full.total)} total, longest event-loop gap ${ms(full.maxGap)} (delay histogram max ${ms(full.maxDelay)})`,
  );
  await flushGcEntries();
  console.log(`V8 major GCs during that purge: ${majorPauses.length}, longest ${ms(Math.max(0, ...majorPauses))}`);
}

async function measureWeekOfRefreshes(): Promise<void> {
  const spends = 672;
  console.log(`== ${WEEK_SESSIONS.toLocaleString("en")} sessions refreshed every 15 minutes for 7 days (${spends} spends each)`);
  const before = heapUsed();
  const store = new MemoryRefreshTokenStore();
  const start = Date.UTC(2026, 0, 1);
  const heads: { session: SessionRecord; hash: string }[] = [];
  for (let index = 0; index < WEEK_SESSIONS; index++) {
    const { session: record, token } = session(index, start, 30 * DAY);
    await store.createSession(record, token);
    heads.push({ session: record, hash: token.hash });
  }
  const fresh = heapUsed();
  const seal = (): string => randomBytes(32).toString("base64url");
  for (let step = 1; step <= spends; step++) {
    const at = new Date(start + step * 15 * MINUTE);
    for (const head of heads) {
      const successor: RefreshTokenRecord = {
        hash: hash(),
        sessionId: head.session.id,
        issuedAt: at,
        expiresAt: new Date(at.getTime() + 14 * DAY),
        spentAt: null,
        successorHash: null,
        sealedSuccessor: null,
      };
      if (!(await store.spendToken({ hash: head.hash, at, successor, sealedSuccessor: seal() }))) throw new Error("a spend failed");
      head.hash = successor.hash;
    }
  }
  const after = heapUsed();
  const perSession = (after - before) / WEEK_SESSIONS;
  const perSpent = (after - fresh) / (WEEK_SESSIONS * spends);
  console.log(`heap ${mb(after - before)}: ${perSession.toFixed(0)} bytes/session after a week, ${perSpent.toFixed(0)} bytes per spent token kept`);
  const forced = timeForcedGc(3);
  console.log(`forced full GC with ${(WEEK_SESSIONS * (spends + 1)).toLocaleString("en")} tokens: max ${ms(forced.max)}`);
  // Keeps the store reachable until here, so that the measurements above saw all of it.
  if (!(await store.findToken(heads[0]?.hash ?? ""))) throw new Error("the last token is missing");
}

await measureSessions();
await measureWeekOfRefreshes();
console.log(`machine: node ${process.version}, ${(await import("node:os")).cpus().length} cores`);
