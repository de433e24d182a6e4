/**
 * Polls `condition` until it holds, for up to 10 s. Polls 125 ms apart: InnoDB refreshes its
 * transaction view only when it has gone unread for 100 ms, so faster polling never sees a change.
 */
export async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 80; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 125));
  }
  throw new Error(`timed out waiting until ${what}`);
}
