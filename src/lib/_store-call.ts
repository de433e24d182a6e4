/** The one way a store call's failure is reported, by the adapters and by the manager. Internal. */
import { isTokenwiseError, StoreError } from "../errors.js";

/**
 * Runs one store call, reporting any failure as `store_error` with the underlying error as
 * `cause`. Only a `store_error` passes through unchanged: a store cannot speak for the manager
 * with any other tokenwise code.
 *
 * @param operation - what failed, e.g. `"SqlRefreshTokenStore.findToken"` or `"store.spendToken"`
 * @param call - the backend call
 * @returns what `call` resolves to
 * @throws {StoreError} `store_error` when `call` rejects
 */
export async function runStoreCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTokenwiseError(error) && error.code === "store_error") throw error;
    throw new StoreError(`${operation}() failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
