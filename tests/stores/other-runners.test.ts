import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { MemoryRefreshTokenStore } from "tokenwise";
import { runStoreConformance } from "tokenwise/testing";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");

describe("runStoreConformance under another test runner", () => {
  it("runs every check under node:test and they all pass", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", "tests/runtimes/conformance-node-test.ts"], {
      cwd: ROOT,
      timeout: 60_000,
    });
    let checks = 0;
    runStoreConformance({ name: "count", createStore: () => new MemoryRefreshTokenStore(), runner: { describe: (_name, body) => body(), it: () => checks++ } });
    expect(checks).toBeGreaterThan(0);
    expect(stdout).toMatch(new RegExp(`^# pass ${checks}$`, "m"));
    expect(stdout).toMatch(/^# fail 0$/m);
  });
});
