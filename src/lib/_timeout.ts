/** Bounding how long the manager waits for a call it does not control. Internal. */

/**
 * Runs `start()` and settles with it, or rejects once `seconds` have passed. A synchronous
 * throw from `start` becomes a rejection. The call itself is not cancelled — JavaScript has no
 * way to — so its eventual outcome is ignored.
 *
 * @param start - begins the call
 * @param seconds - the limit, or `null` to wait for ever
 * @returns what the call resolved to
 */
export async function withTimeout<T>(start: () => Promise<T>, seconds: number | null): Promise<T> {
  const call = new Promise<T>((resolve) => resolve(start()));
  if (seconds === null) return call;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s (storeTimeout)`)), seconds * 1000);
  });
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
  }
}
