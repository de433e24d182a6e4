/** The one way a store call's failure is reported, by the adapters and by the manager. Internal. */
import { isTokenwiseError, StoreError } from "../errors.js";
import type { RefreshTokenStore } from "../store.js";
import type { ResultCheck } from "./_store-results.js";
import { settleWithin } from "./_timeout.js";

/** The `store_error` a failed store call is reported as; a `store_error` passes through unchanged. */
function storeFailure(operation: string, error: unknown): Error {
  if (isTokenwiseError(error) && error.code === "store_error") return error;
  return new StoreError(`${operation}() failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

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
    throw storeFailure(operation, error);
  }
}

/**
 * Calls one method of the app's store and checks its result. A rejection, a synchronous throw, a
 * call that outlives `timeoutSeconds` and a result that breaks the store contract all become
 * `store_error`. One promise over the store's, not a chain of async wrappers: this runs twice in
 * every refresh.
 *
 * @param store - the store
 * @param method - the method called, for errors
 * @param check - the contract check of its result
 * @param operation - the call
 * @param timeoutSeconds - `storeTimeout`, or `null` to wait for ever
 * @returns the checked result
 * @throws {StoreError} `store_error`
 */
export function callStore<T>(
  store: RefreshTokenStore,
  method: keyof RefreshTokenStore,
  check: ResultCheck<T>,
  operation: (store: RefreshTokenStore) => Promise<unknown>,
  timeoutSeconds: number | null,
): Promise<T> {
  let call: Promise<unknown>;
  try {
    call = operation(store);
  } catch (error) {
    return Promise.reject(storeFailure(`store.${method}`, error));
  }
  const expired = (): Error => new Error(`no answer within ${timeoutSeconds} s (storeTimeout)`);
  return settleWithin(call, timeoutSeconds, expired).then(
    (result) => {
      try {
        return check(result);
      } catch (breach) {
        throw new StoreError(`store.${method}() broke the store contract: ${(breach as Error).message}`, { cause: breach });
      }
    },
    (error: unknown) => {
      throw storeFailure(`store.${method}`, error);
    },
  );
}
