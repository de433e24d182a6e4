/**
 * `tokenwise/testing`: the conformance suite that checks a `RefreshTokenStore` adapter
 * against every promise of the store contract. Run it from any test runner.
 *
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { runStoreConformance } from "tokenwise/testing";
 *
 * runStoreConformance({ name: "my store", createStore: () => new MyStore(), runner: { describe, it } });
 * ```
 *
 * @module
 */
export { ContractViolation } from "./_fixtures.js";
export { runStoreConformance, type StoreConformanceOptions, type TestRunner } from "./store-conformance.js";
