/** The transaction bracket every pooled driver shares. Internal. */

/** How one pooled connection begins, ends and is given back. */
export interface TransactionSteps {
  begin(): Promise<unknown>;
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
  /** Gives the connection back; `broken` is the rollback's own failure, if any: destroy it then. */
  release(broken: unknown): void;
}

/** Runs `work` between begin and commit; rolls back if it rejects, and always releases the connection. */
export async function inTransaction<T>(steps: TransactionSteps, work: () => Promise<T>): Promise<T> {
  let broken: unknown;
  try {
    await steps.begin();
    const result = await work();
    await steps.commit();
    return result;
  } catch (error) {
    await steps.rollback().catch((rollbackError: unknown) => (broken = rollbackError ?? new Error("rollback failed")));
    throw error;
  } finally {
    steps.release(broken);
  }
}
