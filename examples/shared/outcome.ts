/** For example scripts: run a step that must fail, and describe how it failed. */
import { isTokenwiseError } from "tokenwise";

/** Resolves with "<status> <code>" of the tokenwise error `action` throws; throws if it succeeds. */
export async function failureOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    if (isTokenwiseError(error)) return `${error.status} ${error.code}`;
    throw error;
  }
  throw new Error("expected this step to fail");
}
