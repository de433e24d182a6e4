/**
 * The load's HTTP side: every request goes through one {@link LoadHttp}, which keeps traffic on
 * loopback, enforces the request budget, times each call and notes every response that was not
 * the one expected.
 */

/** The calls a client or an attacker makes. */
export type Endpoint = "login" | "profile" | "refresh" | "replay" | "logout";

/** Each endpoint's route and its label in the report. */
export const ROUTES: Record<Endpoint, { method: "GET" | "POST"; path: string; label: string }> = {
  login: { method: "POST", path: "/api/v1/customer_login", label: "POST /api/v1/customer_login" },
  profile: { method: "GET", path: "/api/v1/profile", label: "GET /api/v1/profile" },
  refresh: { method: "POST", path: "/api/v1/refresh_token", label: "POST /api/v1/refresh_token" },
  replay: { method: "POST", path: "/api/v1/refresh_token", label: "POST /api/v1/refresh_token (attacker replay)" },
  logout: { method: "POST", path: "/api/v1/logout", label: "POST /api/v1/logout" },
};

/** The response a step should get: a status and, for refusals, the `error` field of the body. */
export interface Expected {
  status: number;
  error?: string;
}

/** 200. */
export const OK: Expected = { status: 200 };
/** RFC 6749 §5.2 refusal of a refresh token, in seed 002's 401 flavour. */
export const GRANT_REFUSED: Expected = { status: 401, error: "invalid_grant" };
/** RFC 6750 §3 refusal of an access token (its session is revoked). */
export const TOKEN_REFUSED: Expected = { status: 401, error: "invalid_token" };

/** What a request got back. */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
  /** Whether status and error were the ones expected. */
  expected: boolean;
}

/** What a request carries: a Bearer token, a JSON body, or both. */
export interface RequestParts {
  bearer?: string;
  json?: unknown;
}

/** Options of {@link LoadHttp}. */
export interface LoadHttpOptions {
  /** Requests allowed in all; one more throws. */
  budget: number;
  /** Aborts every request in flight (deadline, interruption, a failed client). */
  signal: AbortSignal;
}

/** Sends the load's requests over Node's keep-alive fetch and records how they went. */
export class LoadHttp {
  readonly #baseUrl: URL;
  readonly #options: LoadHttpOptions;
  readonly #latencies = new Map<Endpoint, number[]>();
  readonly #unexpected = new Map<string, number>();
  #sent = 0;

  /**
   * @param baseUrl - the server, which must be on 127.0.0.1
   * @param options - request budget and abort signal
   * @throws Error for a server that is not on loopback
   */
  constructor(baseUrl: string, options: LoadHttpOptions) {
    this.#baseUrl = new URL(baseUrl);
    if (this.#baseUrl.hostname !== "127.0.0.1") throw new Error(`load traffic stays on loopback; refusing ${baseUrl}`);
    this.#options = options;
  }

  /** Requests sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Latencies in milliseconds, by endpoint, in the order of {@link ROUTES}. */
  latencies(): [Endpoint, number[]][] {
    return (Object.keys(ROUTES) as Endpoint[]).flatMap((endpoint) => {
      const samples = this.#latencies.get(endpoint);
      return samples ? [[endpoint, samples] as [Endpoint, number[]]] : [];
    });
  }

  /** Responses that were not the expected ones, as "label → status error" with their counts. */
  unexpected(): [string, number][] {
    return [...this.#unexpected];
  }

  /**
   * Sends one request and reads its JSON body.
   *
   * @param endpoint - which call
   * @param parts - Bearer token and JSON body
   * @param expected - the response this step should get; anything else is recorded
   * @returns the status, body and whether they were expected
   * @throws Error when the budget is spent; the abort reason when the run is aborted
   */
  async send(endpoint: Endpoint, parts: RequestParts, expected: Expected): Promise<Reply> {
    if (this.#sent >= this.#options.budget) throw new Error(`request budget of ${this.#options.budget} exhausted`);
    this.#sent++;
    const route = ROUTES[endpoint];
    const headers = new Headers();
    if (parts.bearer !== undefined) headers.set("Authorization", `Bearer ${parts.bearer}`);
    if (parts.json !== undefined) headers.set("Content-Type", "application/json");
    const started = performance.now();
    const response = await fetch(new URL(route.path, this.#baseUrl), {
      method: route.method,
      headers,
      ...(parts.json === undefined ? {} : { body: JSON.stringify(parts.json) }),
      // A signal per request: fetch leaves a listener on the signal it gets until the request is
      // garbage-collected, which on one shared signal trips MaxListenersExceededWarning.
      signal: AbortSignal.any([this.#options.signal]),
    });
    const body = parseObject(await response.text());
    this.#record(endpoint, performance.now() - started);
    const matches = response.status === expected.status && (expected.error === undefined || body.error === expected.error);
    if (!matches) this.#noteUnexpected(`${route.label} → ${response.status} ${String(body.error ?? body.detail ?? "")}`.trim());
    return { status: response.status, body, expected: matches };
  }

  #record(endpoint: Endpoint, milliseconds: number): void {
    const samples = this.#latencies.get(endpoint) ?? [];
    samples.push(milliseconds);
    this.#latencies.set(endpoint, samples);
  }

  #noteUnexpected(description: string): void {
    this.#unexpected.set(description, (this.#unexpected.get(description) ?? 0) + 1);
  }
}

/** A JSON object body, or an empty object for anything else (an unexpected status says the rest). */
function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
