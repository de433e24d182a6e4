// The store conformance suite under node:test instead of vitest: any runner with describe/it works.
import { describe, it } from "node:test";
import { MemoryRefreshTokenStore } from "tokenwise";
import { runStoreConformance } from "tokenwise/testing";

runStoreConformance({ name: "MemoryRefreshTokenStore under node:test", createStore: () => new MemoryRefreshTokenStore(), runner: { describe, it } });
