/**
 * Load and replay test: tokenwise over real PostgreSQL behind a real HTTP server, on loopback only.
 *
 * Serves seed 002's customer API (scripts/load/app.ts) on 127.0.0.1 with an ephemeral port, over
 * a `SqlRefreshTokenStore` whose tables carry a prefix unique to this run and are dropped at the
 * end, whatever happens. Virtual clients, a bounded number at a time, log in, call the API,
 * rotate their refresh token each round and log out; for a share of them an attacker replays
 * the token the client has just spent. With `reuseGraceSeconds: 0` every replay must be detected
 * as reuse and revoke the session, so that client's next refresh must fail too.
 *
 * It prints per-endpoint counts and p50/p99 latencies, replays against reuse detections, tokens
 * lost, double-issued tokens and unexpected statuses, then checks every session's token chain in
 * the tables. It exits 0 only when every invariant holds, 1 when one does not, 2 when the run
 * could not finish (deadline, request budget, database), and 3 when clean-up overran the deadline.
 *
 * Run: npx tsx scripts/load.ts [--small] [--clients N] [--rounds R] [--replay-fraction F]
 *      [--concurrency C] [--deadline SECONDS]
 * PostgreSQL: 127.0.0.1:5432, user postgres, database test (as the tests use).
 */
import { parseArgs } from "node:util";
import { tableNames } from "tokenwise/sql";
import { openPostgres, openStore, uniquePrefix } from "../tests/stores/databases.js";
import { serve } from "../tests/support/serve.js";
import { createLoadApp } from "./load/app.js";
import { inspectChains } from "./load/chain.js";
import { LoadTally, planClients, requestBudget, runClients } from "./load/clients.js";
import { LoadHttp } from "./load/http.js";
import { findViolations, printReport } from "./load/report.js";

/** What one run does. */
interface LoadSettings {
  clients: number;
  rounds: number;
  replayFraction: number;
  concurrency: number;
  deadlineSeconds: number;
}

/** Time clean-up may take past the deadline before the process gives up on it. */
const CLEANUP_GRACE_MS = 15_000;

/** The default run, and the `--small` one for CI. */
const SIZES = { full: { clients: 200, rounds: 5 }, small: { clients: 40, rounds: 3 } };

function readSettings(args: string[]): LoadSettings {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      small: { type: "boolean" },
      clients: { type: "string" },
      rounds: { type: "string" },
      "replay-fraction": { type: "string" },
      concurrency: { type: "string" },
      deadline: { type: "string" },
    },
  });
  const size = values.small ? SIZES.small : SIZES.full;
  const settings: LoadSettings = {
    clients: numberFlag("clients", values.clients, { fallback: size.clients, min: 1, max: 5000, integer: true }),
    rounds: numberFlag("rounds", values.rounds, { fallback: size.rounds, min: 1, max: 50, integer: true }),
    replayFraction: numberFlag("replay-fraction", values["replay-fraction"], { fallback: 0.1, min: 0, max: 1, integer: false }),
    concurrency: numberFlag("concurrency", values.concurrency, { fallback: 32, min: 1, max: 256, integer: true }),
    deadlineSeconds: numberFlag("deadline", values.deadline, { fallback: 60, min: 1, max: 600, integer: false }),
  };
  if (settings.replayFraction > 0 && settings.rounds < 2) throw new Error("--rounds must be at least 2 when --replay-fraction is above 0");
  return settings;
}

function numberFlag(name: string, raw: string | undefined, range: { fallback: number; min: number; max: number; integer: boolean }): number {
  if (raw === undefined) return range.fallback;
  const value = Number(raw);
  const kind = range.integer ? "an integer" : "a number";
  if (raw.trim() === "" || !Number.isFinite(value) || (range.integer && !Number.isInteger(value)) || value < range.min || value > range.max) {
    throw new Error(`--${name} must be ${kind} from ${range.min} to ${range.max}; got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Runs the load against a fresh store; returns the exit code. */
async function runLoad(settings: LoadSettings, controller: AbortController): Promise<number> {
  const database = await openPostgres();
  if (typeof database === "string") throw new Error(database);
  try {
    const prefix = uniquePrefix();
    const app = await createLoadApp(await openStore(database, prefix));
    const server = await serve(app.fetch);
    const plans = planClients(settings);
    const http = new LoadHttp(server.url, { budget: requestBudget(plans), signal: controller.signal });
    const tally = new LoadTally();
    const attacked = plans.filter((plan) => plan.attackAfterRotation !== null).length;
    console.log(
      `tokenwise load: ${settings.clients} clients × ${settings.rounds} rounds, ${attacked} attacked, ` +
        `${settings.concurrency} at a time, ${server.url}, PostgreSQL tables ${prefix}*`,
    );
    const started = performance.now();
    try {
      await runClients(plans, { concurrency: settings.concurrency, http, tally, controller });
    } finally {
      await server.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const chains = await inspectChains(database.client, tableNames(prefix));
    controller.signal.throwIfAborted();
    const run = { http, tally, events: app.events, chains, serverHits: server.hits, seconds };
    const violations = findViolations(run);
    printReport(run, violations);
    const replays = `${app.events.count("reuse_detected")}/${tally.replaysSent} replays detected`;
    const figures = `${http.sent} requests, ${replays}, ${tally.tokensLost} lost, ${tally.doubleIssued} double-issued, ${chains.sessions} chains checked, ${seconds.toFixed(1)} s`;
    console.log(violations.length === 0 ? `PASS load: ${figures}` : `FAIL load: ${violations.length} invariant(s) broken; ${figures}`);
    return violations.length === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}

/** Arms the deadline (abort, then a hard exit if clean-up hangs) and Ctrl-C; returns the controller they abort. */
function armDeadline(deadlineSeconds: number): AbortController {
  const controller = new AbortController();
  const deadlineMs = deadlineSeconds * 1000;
  setTimeout(() => controller.abort(new Error(`deadline of ${deadlineSeconds} s exceeded; run aborted`)), deadlineMs).unref();
  setTimeout(() => {
    console.error(`FAIL load: clean-up still running ${CLEANUP_GRACE_MS / 1000} s after the deadline; exiting (tables may remain)`);
    process.exit(3);
  }, deadlineMs + CLEANUP_GRACE_MS).unref();
  process.once("SIGINT", () => controller.abort(new Error("interrupted")));
  return controller;
}

async function main(): Promise<number> {
  try {
    const settings = readSettings(process.argv.slice(2));
    return await runLoad(settings, armDeadline(settings.deadlineSeconds));
  } catch (error) {
    console.error(`FAIL load: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

process.exitCode = await main();
