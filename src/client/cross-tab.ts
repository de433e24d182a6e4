/**
 * Coordination between tabs of one origin: Web Locks make refreshes take turns, and a
 * BroadcastChannel shares the result, so N tabs make one refresh request rather than N — and
 * never present the same rotating refresh token twice. Internal to `TokenClient`.
 *
 * @module
 */
import type { StoredTokens } from "./storage.js";

type Message = { type: "tokens"; tokens: StoredTokens } | { type: "expired" };

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Web Locks and a BroadcastChannel under one name, each used only where the platform has it. */
export class CrossTabSync {
  readonly #lockName: string;
  readonly #locks: LockManagerLike | null;
  readonly #channel: BroadcastChannel | null;

  constructor(name: string, handlers: { onTokens: (tokens: StoredTokens) => unknown; onExpired: () => unknown }) {
    this.#lockName = `tokenwise:${name}`;
    const navigatorLike = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
    this.#locks = navigatorLike?.locks ?? null;
    this.#channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(this.#lockName) : null;
    this.#channel?.addEventListener("message", (event: MessageEvent<Message>) => {
      if (event.data?.type === "tokens") void handlers.onTokens(event.data.tokens);
      else if (event.data?.type === "expired") void handlers.onExpired();
    });
  }

  /** Runs `work` while holding the cross-tab lock (or directly, without Web Locks). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#locks ? this.#locks.request(this.#lockName, work) : work();
  }

  /** Tells the other tabs about new tokens. */
  announce(tokens: StoredTokens): void {
    this.#channel?.postMessage({ type: "tokens", tokens } satisfies Message);
  }

  /** Tells the other tabs the session is over. */
  announceExpired(): void {
    this.#channel?.postMessage({ type: "expired" } satisfies Message);
  }

  /** Stops listening. */
  close(): void {
    this.#channel?.close();
  }
}
