import { MemoryRefreshTokenStore } from "tokenwise";
import { runStoreConformance } from "tokenwise/testing";
import { describe, it } from "vitest";

runStoreConformance({ name: "MemoryRefreshTokenStore", createStore: () => new MemoryRefreshTokenStore(), runner: { describe, it } });
