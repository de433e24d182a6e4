/** Bounding how long tokenwise waits for a call it does not control. Internal. */

/**
 * A `setTimeout` that never keeps a Node process alive on its own (`unref` where the platform
 * has it); browsers have nothing to unref.
 *
 * @param callback - what to run
 * @param milliseconds - when
 * @returns the timer, for `clearTimeout`
 */
export function backgroundTimeout(callback: () => void, milliseconds: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(callback, milliseconds);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * Runs `start(signal)` and settles with it, or rejects once `seconds` have passed, aborting
 * `signal` with the same error so that a call which listens (a `fetch`) stops too. A synchronous
 * throw from `start` becomes a rejection. A call that ignores the signal runs on, and its
 * eventual outcome is ignored.
 *
 * @param start - begins the call
 * @param seconds - the limit, or `null` to wait for ever
 * @param expired - the error for a call that ran out of time @default "no answer within N s (storeTimeout)"
 * @returns what the call resolved to
 */
export async function withTimeout<T>(
  start: (signal: AbortSignal) => Promise<T>,
  seconds: number | null,
  expired: () => Error = () => new Error(`no answer within ${seconds} s (storeTimeout)`),
): Promise<T> {
  const controller = new AbortController();
  const call = new Promise<T>((resolve) => resolve(start(controller.signal)));
  if (seconds === null) return call;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = backgroundTimeout(() => {
      const error = expired();
      controller.abort(error);
      reject(error);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason (an `AbortError` unless the caller
 * gave another) as soon as `signal` aborts, as `fetch` does. The work behind `promise` goes on.
 *
 * @param promise - what the caller waits for
 * @param signal - the caller's signal, if any
 * @returns what `promise` resolved to
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener("abort", abort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
