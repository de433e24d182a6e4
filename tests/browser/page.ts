/**
 * The test page's script, bundled by tests/browser/app.ts against the built package. It puts a
 * small harness on `window.tokenwiseTest` that the suite drives with `page.evaluate`: one
 * TokenClient per page load, in memory storage, on a clock `skewSeconds` ahead.
 */
import { httpRefresh, MemoryTokenStorage, TokenClient } from "tokenwise/client";

/** How a page's client is set up. */
export interface PageClientOptions {
  crossTab?: string;
  /** The refresh token lives in an HttpOnly cookie (`send: "cookie"`, `refreshCookie`). */
  cookie?: boolean;
}

/** A call's outcome: the HTTP status, or the error's `code` (or `name`). */
export type Outcome = number | string;

let skew = 0;
const now = (): number => Date.now() + skew;
const storage = new MemoryTokenStorage();
let client: TokenClient | null = null;
let expired = 0;

const outcome = (call: Promise<Response>): Promise<Outcome> =>
  call.then(
    (response) => response.status,
    (error: { code?: unknown; name?: string }) => (typeof error.code === "string" ? error.code : (error.name ?? String(error))), // a DOMException's code is a number
  );

function api(): TokenClient {
  if (!client) throw new Error("open() first");
  return client;
}

const harness = {
  /** Makes this page's client; resolves with the `code` of the error if the constructor throws. */
  open(options: PageClientOptions): string | null {
    try {
      client = new TokenClient({
        refresh: httpRefresh({ url: "/refresh", send: options.cookie ? "cookie" : "json", now }),
        storage,
        now,
        onSessionExpired: () => void expired++,
        refreshCookie: options.cookie === true,
        ...(options.crossTab ? { crossTab: options.crossTab } : {}),
      });
      return null;
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  },
  /** Logs in and stores the tokens; in cookie mode the refresh token stays in the cookie. */
  async login(cookie = false): Promise<void> {
    const body = (await (await fetch("/login", { method: "POST" })).json()) as { access_token: string; refresh_token?: string; expires_in: number };
    await api().setTokens({ accessToken: body.access_token, refreshToken: cookie ? "cookie" : String(body.refresh_token), expiresAt: now() + body.expires_in * 1000 });
  },
  setSkew(seconds: number): void {
    skew = seconds * 1000;
  },
  /** `count` concurrent calls of GET /data. */
  calls(count: number): Promise<Outcome[]> {
    return Promise.all(Array.from({ length: count }, () => outcome(api().fetch("/data"))));
  },
  /** The access token this page holds, without refreshing. */
  held(): string | null {
    return storage.get()?.accessToken ?? null;
  },
  expired: (): number => expired,
  /**
   * One call aborted `abortAfterMs` after it started and one left alone, both needing the same
   * refresh: when each settled, in milliseconds from the start.
   */
  async abortDuringRefresh(abortAfterMs: number): Promise<{ aborted: Outcome; abortedAfterMs: number; other: Outcome; otherAfterMs: number }> {
    const controller = new AbortController();
    const started = performance.now();
    const since = (): number => Math.round(performance.now() - started);
    const aborted = outcome(api().fetch("/data", { signal: controller.signal })).then((result) => ({ result, at: since() }));
    const other = outcome(api().fetch("/data")).then((result) => ({ result, at: since() }));
    setTimeout(() => controller.abort(), abortAfterMs);
    const [first, second] = await Promise.all([aborted, other]);
    return { aborted: first.result, abortedAfterMs: first.at, other: second.result, otherAfterMs: second.at };
  },
  cookies: (): string => document.cookie,
};

export type Harness = typeof harness;

declare global {
  interface Window {
    tokenwiseTest: Harness;
  }
}

window.tokenwiseTest = harness;
