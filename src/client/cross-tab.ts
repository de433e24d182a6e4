/**
 * Coordination between tabs of one origin, so that N tabs make one refresh request rather than N
 * and never present a spent rotating refresh token: refreshes take turns under a Web Lock; the
 * tab holding it records which tokens are current in IndexedDB (committed before the lock is
 * released) and sends them to the others on a BroadcastChannel. A tab that takes the lock after
 * another refreshed sees so in the record, and waits for the tokens instead of refreshing. Internal
 * to `TokenClient`.
 *
 * @module
 */
import { InvalidConfigError, RefreshFailedError } from "../errors.js";
import { toBase64Url, utf8 } from "../lib/_bytes.js";
import { backgroundTimeout, settleWithin } from "../lib/_timeout.js";
import { SharedRecord } from "./_shared-record.js";
import { isStoredTokens, type StoredTokens } from "./storage.js";

/** What tabs tell each other: the current tokens, or `null` when the session ended. */
interface Message {
  tokens: StoredTokens | null;
}

/** Where a tab's tokens stand against the record. */
export type Standing = "current" | "behind" | "ended";

/** Web Locks, a BroadcastChannel and an IndexedDB record under one name. */
export class CrossTabSync {
  readonly #lockName: string;
  readonly #locks: LockManager;
  readonly #channel: BroadcastChannel;
  readonly #record: SharedRecord;
  readonly #waiters = new Set<() => void>();
  #received = 0;

  /**
   * @param name - the `crossTab` name
   * @param receive - applies what another tab sent; the record says whether it is still current
   * @throws {InvalidConfigError} `invalid_config` where Web Locks, BroadcastChannel or IndexedDB is missing
   */
  constructor(name: string, receive: (tokens: StoredTokens | null) => Promise<void>) {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks || typeof BroadcastChannel !== "function" || typeof indexedDB === "undefined") {
      const insecure = (globalThis as { isSecureContext?: boolean }).isSecureContext === false;
      throw new InvalidConfigError("crossTab", `needs Web Locks, ${insecure ? "which browsers offer only in a secure context (https or localhost)" : "BroadcastChannel and IndexedDB"}`);
    }
    this.#lockName = `tokenwise:${name}`;
    this.#locks = locks;
    this.#record = new SharedRecord(name);
    this.#channel = new BroadcastChannel(this.#lockName);
    (this.#channel as { unref?: () => void }).unref?.();
    this.#channel.onmessage = (event: MessageEvent<Message | null>) => {
      const tokens = event.data?.tokens;
      if (tokens !== null && !isStoredTokens(tokens)) return; // not a message of ours
      void receive(tokens)
        .catch(() => undefined) // an unreadable record: the lock holder's check catches up
        .finally(() => {
          this.#received++;
          for (const wake of this.#waiters) wake();
        });
    };
  }

  /** How many messages this tab has handled: a mark for {@link CrossTabSync.receivedSince}. */
  get received(): number {
    return this.#received;
  }

  /**
   * Runs `work` while holding the cross-tab lock.
   *
   * @throws {RefreshFailedError} `refresh_failed` (`lock_timeout`) when the lock is not granted within `timeoutSeconds`
   */
  exclusive<T>(work: () => Promise<T>, timeoutSeconds: number): Promise<T> {
    const waiting = new AbortController();
    const timer = backgroundTimeout(
      () => waiting.abort(new RefreshFailedError("lock_timeout", `no refresh lock within ${timeoutSeconds} s`)),
      timeoutSeconds * 1000,
    );
    const held = this.#locks.request(this.#lockName, { signal: waiting.signal }, () => {
      clearTimeout(timer);
      return work();
    }) as Promise<T>;
    return held.finally(() => clearTimeout(timer));
  }

  /** Where `tokens` stand: current, replaced by another tab's (`behind`), or ended by another tab. */
  async standing(tokens: StoredTokens): Promise<Standing> {
    const recorded = await this.#record.read();
    if (recorded === null) return "ended";
    return recorded === undefined || recorded === (await fingerprint(tokens)) ? "current" : "behind";
  }

  /** Whether the record names exactly `tokens` (`null`: the session ended). */
  async isCurrent(tokens: StoredTokens | null): Promise<boolean> {
    const recorded = await this.#record.read();
    return recorded === (tokens && (await fingerprint(tokens)));
  }

  /**
   * Records `tokens` as current (`null`: the session ended). Call it holding the lock, before the
   * tab keeps them: a tab must never hold tokens newer than the record.
   */
  async record(tokens: StoredTokens | null): Promise<void> {
    await this.#record.write(tokens && (await fingerprint(tokens)));
  }

  /** Sends the recorded tokens (or the end of the session) to the other tabs. */
  announce(tokens: StoredTokens | null): void {
    this.#channel.postMessage({ tokens } satisfies Message);
  }

  /**
   * Resolves once a message has been handled since `mark` was {@link CrossTabSync.received}.
   *
   * @throws {RefreshFailedError} `refresh_failed` (`cross_tab`) after `timeoutSeconds` without one
   */
  async receivedSince(mark: number, timeoutSeconds: number): Promise<void> {
    let wake = (): void => undefined;
    try {
      await settleWithin(
        new Promise<void>((resolve) => {
          wake = () => {
            if (this.#received > mark) resolve();
          };
          this.#waiters.add(wake);
          wake();
        }),
        timeoutSeconds,
        () => new RefreshFailedError("cross_tab", `another tab's tokens did not arrive within ${timeoutSeconds} s`),
      );
    } finally {
      this.#waiters.delete(wake);
    }
  }

  /** Stops listening and closes the database. */
  close(): void {
    this.#channel.close();
    this.#record.close();
  }
}

/** Names an access token without revealing it: SHA-256, base64url. */
async function fingerprint(tokens: StoredTokens): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(tokens.accessToken))));
}
