/**
 * Virtual clients and their attackers. A client logs in, calls the API, then for each round
 * rotates its refresh token and calls the API again, and finally logs out. For an attacked
 * client, right after one rotation an attacker replays the refresh token the client just spent:
 * that must be refused as reuse and revoke the session, so the client's next API call and next
 * refresh must be refused too — and the client stops, as a real one would go back to login.
 */
import { decodeJwt } from "jose";
import { CUSTOMER } from "./app.js";
import { GRANT_REFUSED, OK, TOKEN_REFUSED, type LoadHttp, type Reply } from "./http.js";

/** API calls right after login; one more follows every rotation. */
const API_CALLS_AFTER_LOGIN = 2;

/** What one client will do. */
export interface ClientPlan {
  /** Rotations before logout. */
  rounds: number;
  /** The rotation after which an attacker replays the token it spent, or `null` for no attack. */
  attackAfterRotation: number | null;
}

/** Options of {@link planClients}. */
export interface PlanOptions {
  clients: number;
  rounds: number;
  /** Share of clients attacked, from 0 to 1; needs at least two rounds when above 0. */
  replayFraction: number;
}

/**
 * Plans the clients: attacked ones spread evenly through the list, their attacks spread over
 * every rotation but the last (the client's next refresh must come after the replay).
 *
 * @param options - how many clients, rounds and the attacked share
 * @returns one plan per client
 */
export function planClients(options: PlanOptions): ClientPlan[] {
  const { clients, rounds, replayFraction } = options;
  return Array.from({ length: clients }, (_, index) => {
    const attacked = Math.floor((index + 1) * replayFraction) > Math.floor(index * replayFraction);
    return { rounds, attackAfterRotation: attacked ? 1 + (index % (rounds - 1)) : null };
  });
}

/**
 * The most requests the plans can make: login, the API calls, every rotation and its API call,
 * the replay, logout.
 *
 * @param plans - the clients' plans
 * @returns the request budget
 */
export function requestBudget(plans: ClientPlan[]): number {
  return plans.reduce((total, plan) => total + 2 + API_CALLS_AFTER_LOGIN + 2 * plan.rounds + (plan.attackAfterRotation === null ? 0 : 1), 0);
}

/** One client's session as the client saw it. */
export interface SessionTrace {
  sessionId: string;
  attacked: boolean;
  /** Successful rotations. */
  rotations: number;
  loggedOut: boolean;
}

/** What the clients saw, summed over all of them. */
export class LoadTally {
  readonly sessions: SessionTrace[] = [];
  replaysSent = 0;
  /** Replays refused with `invalid_grant`. */
  replaysRefused = 0;
  /** Attacked clients whose next refresh was refused, as it must be. */
  refusedAfterReuse = 0;
  /** Refreshes of a client whose session no replay had touched that did not succeed. */
  tokensLost = 0;
  /** A refresh token handed out twice, or one presented token refreshed successfully twice. */
  doubleIssued = 0;
  readonly #handedOut = new Set<string>();
  readonly #spent = new Set<string>();

  /** Records a refresh token the server handed out. */
  handedOut(refreshToken: string): void {
    if (this.#handedOut.has(refreshToken)) this.doubleIssued++;
    this.#handedOut.add(refreshToken);
  }

  /** Records a refresh token the server accepted in exchange for a new one. */
  spent(refreshToken: string): void {
    if (this.#spent.has(refreshToken)) this.doubleIssued++;
    this.#spent.add(refreshToken);
  }
}

/** The tokens a client holds. */
interface Grant {
  accessToken: string;
  refreshToken: string;
}

/**
 * Runs one client to the end of its plan.
 *
 * @param plan - what it does
 * @param http - where it sends requests
 * @param tally - where it records what it saw
 */
export async function runClient(plan: ClientPlan, http: LoadHttp, tally: LoadTally): Promise<void> {
  const login = await http.send("login", { json: CUSTOMER }, OK);
  if (login.status !== 200) return;
  let grant = readGrant(login, tally);
  const trace: SessionTrace = { sessionId: sessionIdOf(grant.accessToken), attacked: plan.attackAfterRotation !== null, rotations: 0, loggedOut: false };
  tally.sessions.push(trace);
  for (let call = 0; call < API_CALLS_AFTER_LOGIN; call++) await http.send("profile", { bearer: grant.accessToken }, OK);
  let revokedByReplay = false;
  for (let rotation = 1; rotation <= plan.rounds; rotation++) {
    const presented = grant.refreshToken;
    const refreshed = await http.send("refresh", { json: { refresh_token: presented } }, revokedByReplay ? GRANT_REFUSED : OK);
    if (revokedByReplay) {
      if (refreshed.expected) tally.refusedAfterReuse++;
      return;
    }
    if (refreshed.status !== 200) {
      tally.tokensLost++;
      return;
    }
    tally.spent(presented);
    grant = readGrant(refreshed, tally);
    trace.rotations++;
    if (rotation === plan.attackAfterRotation) revokedByReplay = await replay(presented, http, tally);
    await http.send("profile", { bearer: grant.accessToken }, revokedByReplay ? TOKEN_REFUSED : OK);
  }
  trace.loggedOut = (await http.send("logout", { bearer: grant.accessToken }, OK)).status === 200;
}

/** The attacker presents the stolen, already spent token; `true` if it was refused. */
async function replay(stolen: string, http: LoadHttp, tally: LoadTally): Promise<boolean> {
  tally.replaysSent++;
  const reply = await http.send("replay", { json: { refresh_token: stolen } }, GRANT_REFUSED);
  if (reply.status === 200) {
    // A replay that works is the defect under test: record the spend and the token it yielded.
    tally.spent(stolen);
    readGrant(reply, tally);
  }
  if (reply.expected) tally.replaysRefused++;
  return reply.expected;
}

/** Seed 002's token body `{ token, refresh_token, token_expires_in }`. */
function readGrant(reply: Reply, tally: LoadTally): Grant {
  const { token, refresh_token: refreshToken } = reply.body;
  if (typeof token !== "string" || typeof refreshToken !== "string") throw new Error(`a 200 token response lacks token or refresh_token: ${JSON.stringify(reply.body)}`);
  tally.handedOut(refreshToken);
  return { accessToken: token, refreshToken };
}

function sessionIdOf(accessToken: string): string {
  const { sid } = decodeJwt(accessToken);
  if (typeof sid !== "string") throw new Error("an access token has no sid claim");
  return sid;
}

/** Options of {@link runClients}. */
export interface RunClientsOptions {
  /** Clients running at once. */
  concurrency: number;
  http: LoadHttp;
  tally: LoadTally;
  /** Aborted when a client fails, so the others stop; its signal is the one `http` uses. */
  controller: AbortController;
}

/**
 * Runs every plan with at most `concurrency` clients at a time. The first failure aborts the
 * rest; it is thrown once every client has stopped, so nothing is still in flight afterwards.
 *
 * @param plans - the clients
 * @param options - concurrency, HTTP, tally and the abort controller
 * @throws the first client failure, or the abort reason (deadline, interruption)
 */
export async function runClients(plans: ClientPlan[], options: RunClientsOptions): Promise<void> {
  const { controller } = options;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let plan = plans[next++]; plan; plan = plans[next++]) {
      controller.signal.throwIfAborted();
      await runClient(plan, options.http, options.tally).catch((error: unknown) => {
        controller.abort(error);
        throw error;
      });
    }
  };
  await Promise.allSettled(Array.from({ length: Math.min(options.concurrency, plans.length) }, worker));
  controller.signal.throwIfAborted();
}
