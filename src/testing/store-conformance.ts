/**
 * The store conformance suite: every promise {@link RefreshTokenStore} makes in its TSDoc,
 * checked against a real store. Runs under any test runner that offers `describe` and `it`.
 *
 * @module
 */
import type { RefreshTokenStore } from "../store.js";
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
   * Returns a store to test. Called once per test. The suite uses random ids, so a store over
   * shared tables works, except that `purgeExpired` counts are only checked to be at least what
   * the test itself made expire.
   */
  createStore: () => RefreshTokenStore | Promise<RefreshTokenStore>;
  /** `describe` and `it` of your test runner. */
  runner: TestRunner;
  /** How many simultaneous `spendToken` calls race for one token in the concurrency checks. @default 20 */
  concurrency?: number;
}

/**
 * Registers the conformance tests for a {@link RefreshTokenStore}: session creation and its
 * atomicity, lookups, the rotation compare-and-set (including under concurrency), touch,
 * revocation, listing, purging, timestamp precision and copy semantics — plus end-to-end
 * checks through a real `TokenManager` (grace window and strict reuse under concurrency).
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
  runner.describe(`RefreshTokenStore conformance: ${name}`, () => {
    for (const [group, checks] of Object.entries(contractChecks)) {
      runner.describe(group, () => {
        for (const [rule, body] of Object.entries(checks)) {
          runner.it(rule, async () => body(await options.createStore(), { concurrency }));
        }
      });
    }
    runner.describe("through TokenManager", () => {
      for (const [rule, body] of Object.entries(checkManagerConformance)) {
        runner.it(rule, async () => body(await options.createStore(), { concurrency }));
      }
    });
  });
}
