/**
 * The store conformance suite: every promise {@link RefreshTokenStore} makes in its TSDoc,
 * checked against a real store. Runs under any test runner that offers `describe` and `it`.
 *
 * @module
 */
import type { RefreshTokenStore } from "../store.js";
import { createCheckContext, namePromise, type Check, type ContractViolation } from "./_fixtures.js";
import { checkManagerConformance } from "./_manager-checks.js";
import { contractChecks } from "./_store-checks.js";

/** The two functions of a test runner the suite needs (vitest, node:test, bun:test, Deno's BDD module, Jest, Mocha). */
export interface TestRunner {
  /** Groups tests, like `describe` of vitest or `node:test`. */
  describe: (name: string, body: () => void) => unknown;
  /** Declares one async test, like `it` of vitest or `node:test`. */
  it: (name: string, body: () => Promise<void>) => unknown;
}

/** Options of {@link runStoreConformance}. */
export interface StoreConformanceOptions {
  /** Shown in the `describe` title, e.g. `"PostgreSQL (pg)"`. */
  name: string;
  /**
   * Returns a store to test. Called once per test, and each call must return a store over a
   * fresh, empty namespace of its own — new tables or a new table prefix, a new key prefix, a
   * new database — because the checks count exactly what `purgeExpired` deletes and may purge
   * everything that has ended. Records are dated from the real clock (the start of the current
   * minute), so a store that expires records by TTL keeps them for the whole test.
   */
  createStore: () => RefreshTokenStore | Promise<RefreshTokenStore>;
  /**
   * Called after each test, passed or failed, with the store `createStore` gave it: drop its
   * tables or keys, close its connections. A rejection fails the test.
   * @default nothing
   */
  teardown?: (store: RefreshTokenStore) => void | Promise<void>;
  /** `describe` and `it` of your test runner. */
  runner: TestRunner;
  /** How many simultaneous `spendToken` calls race for one token in the concurrency checks. @default 20 */
  concurrency?: number;
}

/**
 * Registers the conformance tests for a {@link RefreshTokenStore}: session creation and its
 * atomicity, lookups, the rotation compare-and-set (including under concurrency and racing a
 * revocation), touch, revocation, listing, purging, id and subject limits, timestamp precision
 * and copy semantics — plus end-to-end checks through a real `TokenManager` (grace window and
 * strict reuse under concurrency).
 *
 * A failing test throws a `ContractViolation` whose message starts with the promise broken,
 * as `"<method> — <rule>: "`, then says what was seen.
 *
 * @param options - the store factory, the runner's `describe`/`it`, and a name
 *
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { runStoreConformance } from "tokenwise/testing";
 * import { MyDynamoStore } from "./my-dynamo-store.js";
 *
 * runStoreConformance({ name: "DynamoDB", createStore: () => new MyDynamoStore(table), runner: { describe, it } });
 * ```
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  const { runner, name } = options;
  const concurrency = options.concurrency ?? 20;
  const groups = { ...contractChecks, "through TokenManager": checkManagerConformance };
  runner.describe(`RefreshTokenStore conformance: ${name}`, () => {
    for (const [group, checks] of Object.entries(groups)) {
      runner.describe(group, () => {
        for (const [rule, body] of Object.entries(checks)) runner.it(rule, () => runCheck(options, concurrency, `${group} — ${rule}`, body));
      });
    }
  });
}

/** Runs one check on a store of its own, names the promise in its failure, and tears the store down. */
async function runCheck(options: StoreConformanceOptions, concurrency: number, promise: string, body: Check): Promise<void> {
  const store = await options.createStore();
  let failure: ContractViolation | undefined;
  try {
    await body(createCheckContext(store, concurrency));
  } catch (error) {
    failure = namePromise(error, promise);
  }
  // A failed check's own violation outranks a failure of the teardown after it.
  await (async () => options.teardown?.(store))().catch((error: unknown) => {
    if (!failure) throw error;
  });
  if (failure) throw failure;
}
