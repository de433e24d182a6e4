import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { MemoryTokenStorage, TokenClient, type RefreshFunction, type StoredTokens } from "tokenwise/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROOT } from "../examples/run-example.js";
import { installTabs } from "../support/fake-tabs.js";

afterEach(() => vi.unstubAllGlobals());

const run = promisify(execFile);
const tokens = (accessToken: string): StoredTokens => ({ accessToken, refreshToken: "r", expiresAt: Date.now() + 900_000 });
const refresh: RefreshFunction = Object.assign(async () => tokens("renewed"), { url: "https://api.example.test/refresh" });

describe("close()", () => {
  it("stops listening to the other tabs; later calls reject with unsupported_operation and the tokens stay in storage", async () => {
    const { channels } = installTabs();
    const storage = new MemoryTokenStorage();
    const closed = new TokenClient({ refresh, crossTab: "shop", storage });
    const other = new TokenClient({ refresh, crossTab: "shop" });
    await closed.setTokens(tokens("first"));
    closed.close();
    await other.setTokens(tokens("second"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(channels.posted).toHaveLength(2);
    expect(storage.get()?.accessToken).toBe("first");
    for (const call of [() => closed.fetch("https://api.example.test/"), () => closed.getTokens(), () => closed.setTokens(tokens("x")), () => closed.clear()]) {
      await expect(call()).rejects.toMatchObject({ code: "unsupported_operation" });
    }
    other.close();
  });

  it("is not needed for a Node process to exit: no channel or timer of the client keeps it alive", async () => {
    const dist = join(ROOT, "dist", "client", "index.js");
    if (!existsSync(dist)) throw new Error("run `npm run build` first: the child process imports the built package");
    const started = Date.now();
    const { stdout } = await run(process.execPath, [join(ROOT, "tests", "client", "exits-by-itself.mjs"), dist], { cwd: ROOT, timeout: 20_000 });
    expect(stdout).toBe("started\n");
    expect(Date.now() - started).toBeLessThan(10_000); // well before the 30 s refresh timeout fires
  }, 30_000);
});
