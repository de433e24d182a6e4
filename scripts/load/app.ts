/**
 * The app under load: seed 002's customer routes (login, profile, refresh, logout) in seed 002's
 * response shape, over the store it is given, with strict reuse detection and a tally of the
 * manager's audit events.
 *
 * Seed 002's own app cannot be reused as is: it takes no `onEvent`, so reuse could only be
 * counted from response text, and its pure-JS scrypt blocks the event loop for about 0.6 s per
 * login, which would serialise 200 logins past any sensible deadline. Here the password is
 * checked with Node's native scrypt, which runs on the libuv thread pool.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { generateSigningKey, TokenManager, type RefreshTokenStore, type TokenEvent, type TokenPair } from "tokenwise";
import { noStoreJson, readRefreshToken, requireAuth, tokenErrorResponse } from "tokenwise/http";
import { readJson, router, type Handler } from "../../examples/shared/router.js";

/** The one customer account of seed 002, which every virtual client logs in as. */
export const CUSTOMER = { phone: "+919876543220", password: "password123" } as const;

/** The seed's scrypt cost (N = 2^14), native here. */
const SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };

/** Counts the manager's audit events by kind, and remembers which sessions were revoked for reuse. */
export class EventTally {
  readonly #counts = new Map<string, number>();
  /** Sessions a `reuse_detected` event named. */
  readonly reuseSessions = new Set<string>();

  /** The listener to pass as `onEvent`. */
  readonly record = (event: TokenEvent): void => {
    const kind = eventKind(event);
    this.#counts.set(kind, this.count(kind) + 1);
    if (event.type === "reuse_detected") this.reuseSessions.add(event.sessionId);
  };

  /** How many events of a kind were seen: a `type`, `refreshed:grace`, or `revoked:<reason>`. */
  count(kind: string): number {
    return this.#counts.get(kind) ?? 0;
  }

  /** Every kind seen, with its count, for the report. */
  entries(): [string, number][] {
    return [...this.#counts].sort(([a], [b]) => a.localeCompare(b));
  }
}

function eventKind(event: TokenEvent): string {
  if (event.type === "revoked") return `revoked:${event.reason}`;
  if (event.type === "refreshed" && event.replayed) return "refreshed:grace";
  return event.type;
}

/** The server's fetch handler and the events its manager emitted. */
export interface LoadApp {
  /** Serves the four routes. */
  fetch: Handler;
  /** Audit events, counted as they happen. */
  events: EventTally;
}

/**
 * Builds the app over a store.
 *
 * @param store - where sessions and refresh-token hashes live
 * @returns the handler and its event tally
 */
export async function createLoadApp(store: RefreshTokenStore): Promise<LoadApp> {
  const events = new EventTally();
  const tokens = new TokenManager<{ kind: "customer" }>({
    issuer: "http://seed-002.example",
    audience: "seed-002",
    signingKeys: [await generateSigningKey("ES256")],
    store,
    accessTokenTtl: "24h",
    refreshTokenTtl: "30d",
    sessionMaxAge: "90d",
    // Strict: any second use of a spent token is reuse, so every replay must revoke its session.
    reuseGraceSeconds: 0,
    onEvent: events.record,
  });
  const isCustomer = await customerCheck();
  const seedBody = (pair: TokenPair) => noStoreJson({ token: pair.accessToken, refresh_token: pair.refreshToken, token_expires_in: pair.expiresIn });

  const fetch = router({
    "POST /api/v1/customer_login": async (request) => {
      const { phone, password } = await readJson(request);
      if (!(await isCustomer(phone, password))) return Response.json({ error: "Invalid phone or password" }, { status: 401 });
      return seedBody(await tokens.issue({ subject: CUSTOMER.phone, claims: { kind: "customer" } }));
    },
    "GET /api/v1/profile": async (request) => {
      const auth = await requireAuth(request, tokens, { checkSession: true });
      return auth.ok ? Response.json({ phone: auth.claims.sub, kind: auth.claims.kind, role: null }) : auth.response;
    },
    "POST /api/v1/refresh_token": async (request) => {
      try {
        return seedBody(await tokens.refresh(await readRefreshToken(request, { from: ["body"] })));
      } catch (error) {
        return tokenErrorResponse(error, { invalidRequestStatus: 422 });
      }
    },
    "POST /api/v1/logout": async (request) => {
      const auth = await requireAuth(request, tokens);
      if (!auth.ok) return auth.response;
      await tokens.revokeSession(auth.claims.sid);
      return noStoreJson({ message: "Logged out" });
    },
  });
  return { fetch, events };
}

/** Checks the customer's phone and password; the hash is computed whatever the phone, so timing tells nothing. */
async function customerCheck(): Promise<(phone: unknown, password: unknown) => Promise<boolean>> {
  const salt = randomBytes(16);
  const expected = await scryptHash(CUSTOMER.password, salt);
  return async (phone, password) => {
    if (typeof phone !== "string" || typeof password !== "string") return false;
    const matches = timingSafeEqual(await scryptHash(password, salt), expected);
    return matches && phone === CUSTOMER.phone;
  };
}

function scryptHash(password: string, salt: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, SCRYPT_COST, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
