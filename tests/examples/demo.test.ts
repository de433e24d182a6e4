import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");

describe("npm run demo", () => {
  it("walks seed 000's seven steps and ends with refresh refused", async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "examples/seed-000-flow.ts"], {
      cwd: ROOT,
      timeout: 30_000,
    });
    expect(stdout).toContain("GET /profile → { status: 401, body: 'token_expired' }");
    expect(stdout).toContain("same refresh token (one per email): true");
    expect(stdout).toContain("refresh → 401 session_revoked");
    expect(stdout).toContain("refresh → 401 refresh_token_expired");
    expect(stdout).toContain("Done: every step of seed 000's flow behaved as described.");
  });
});
