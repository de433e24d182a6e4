/**
 * A min-heap of (instant, key) pairs: the memory store's index of what ends when, so that
 * `purgeExpired` costs what expires and not what is stored. Internal.
 *
 * Entries are never updated or removed early: the store checks each popped key against its
 * current record and skips it when stale (already deleted, or a later record under the same
 * key). Two parallel arrays, not one object per entry: 16 bytes an entry and nothing for the
 * garbage collector to trace but the key, which the store's maps hold anyway.
 */
export class ExpiryQueue {
  readonly #times: number[] = [];
  readonly #keys: string[] = [];

  /** Adds `key`, due at `time` (milliseconds since the epoch). */
  push(time: number, key: string): void {
    const times = this.#times;
    const keys = this.#keys;
    let index = times.length;
    times.push(time);
    keys.push(key);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime <= time) break;
      times[index] = parentTime;
      keys[index] = keys[parent] as string;
      index = parent;
    }
    times[index] = time;
    keys[index] = key;
  }

  /** Whether the earliest entry is due at or before `now`. */
  hasDue(now: number): boolean {
    return this.#times.length > 0 && (this.#times[0] as number) <= now;
  }

  /** Removes and returns the key of the earliest entry; call only when {@link hasDue} says there is one. */
  pop(): string {
    const times = this.#times;
    const keys = this.#keys;
    const top = keys[0] as string;
    const lastTime = times.pop() as number;
    const lastKey = keys.pop() as string;
    const length = times.length;
    if (length === 0) return top;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && (times[child + 1] as number) < (times[child] as number)) child++;
      if ((times[child] as number) >= lastTime) break;
      times[index] = times[child] as number;
      keys[index] = keys[child] as string;
      index = child;
    }
    times[index] = lastTime;
    keys[index] = lastKey;
    return top;
  }
}
