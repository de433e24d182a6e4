/**
 * The browser pieces `crossTab` needs, for clients in one Node process standing in for tabs: a
 * Web Locks manager they share (exclusive, first come first served, `signal` honoured), a fresh
 * in-memory IndexedDB, and a BroadcastChannel that delivers a macrotask after the post — after
 * the sender released its lock, as a browser may — or holds every message until told, for tests
 * of late messages. The browser suite (tests/browser/) runs the same flows on the real things.
 */
import { IDBFactory } from "fake-indexeddb";
import { vi } from "vitest";

type Callback<T> = (lock: { name: string }) => Promise<T> | T;

/** An exclusive-only `navigator.locks`. */
export class FakeLockManager {
  readonly #tails = new Map<string, Promise<void>>();
  /** How many times a lock was granted. */
  granted = 0;

  request<T>(name: string, optionsOrCallback: { signal?: AbortSignal } | Callback<T>, maybeCallback?: Callback<T>): Promise<T> {
    const [options, callback] = typeof optionsOrCallback === "function" ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback as Callback<T>];
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const previous = this.#tails.get(name) ?? Promise.resolve();
    let release = (): void => undefined;
    this.#tails.set(name, previous.then(() => new Promise<void>((resolve) => (release = resolve))));
    return new Promise<T>((resolve, reject) => {
      const abort = (): void => reject(signal?.reason);
      signal?.addEventListener("abort", abort, { once: true });
      void previous.then(async () => {
        signal?.removeEventListener("abort", abort);
        if (signal?.aborted) return release();
        this.granted++;
        try {
          resolve(await callback({ name }));
        } catch (error) {
          reject(error);
        } finally {
          release();
        }
      });
    });
  }
}

/** Delivery control of the fake BroadcastChannel, and a log of what was posted. */
export interface Channels {
  /** Every message posted, in order. */
  posted: unknown[];
  /** Holds messages from now on, undelivered. */
  hold(): void;
  /** Delivers the held messages, in order, and goes back to delivering each a macrotask later. */
  release(): void;
}

function fakeBroadcastChannels(): { Channel: unknown; channels: Channels } {
  const open = new Set<{ name: string; onmessage: ((event: { data: unknown }) => void) | null }>();
  let held: (() => void)[] | null = null;
  const channels: Channels = {
    posted: [],
    hold: () => void (held ??= []),
    release() {
      const queued = held ?? [];
      held = null;
      for (const deliver of queued) deliver();
    },
  };
  class Channel {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(data: unknown): void {
      channels.posted.push(structuredClone(data));
      for (const other of open) {
        if (other === this || other.name !== this.name) continue;
        const deliver = (): void => void (open.has(other) && other.onmessage?.({ data: structuredClone(data) }));
        if (held) held.push(deliver);
        else setTimeout(deliver, 0);
      }
    }
    close(): void {
      open.delete(this);
    }
  }
  return { Channel, channels };
}

/**
 * Gives this test file's globals what a secure browser context has: `navigator.locks` (shared by
 * every client made afterwards, like the tabs of one browser) and `indexedDB`. Undo with
 * `vi.unstubAllGlobals()`.
 *
 * @returns the lock manager, to count grants or hold the lock, and the channels' delivery control
 */
export function installTabs(): { locks: FakeLockManager; channels: Channels } {
  const locks = new FakeLockManager();
  const { Channel, channels } = fakeBroadcastChannels();
  vi.stubGlobal("navigator", { locks });
  vi.stubGlobal("indexedDB", new IDBFactory());
  vi.stubGlobal("BroadcastChannel", Channel);
  return { locks, channels };
}
