/** The one way a store adapter reports a backend failure. Internal. */
import { isTokenwiseError, StoreError } from "../errors.js";

/**
 * Runs one backend call of a store, reporting any failure as `store_error` with the driver's
 * error as `cause`. A tokenwise error the adapter threw itself passes through unchanged.
 *
 * @param operation - what failed, e.g. `"SqlRefreshTokenStore.findToken"`
 * @param call - the backend call
 * @returns what `call` resolves to
 * @throws {StoreError} `store_error` when `call` rejects
 */
export async function runStoreCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTokenwiseError(error)) throw error;
    throw new StoreError(`${operation}() failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
