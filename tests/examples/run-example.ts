/** Running an example script as a user would, and what seed 002's flow must print. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";

const run = promisify(execFile);
/** The repository's root folder. */
export const ROOT: string = join(import.meta.dirname, "../..");

/** Runs a TypeScript file with tsx in a process of its own; resolves with what it printed once it exits. */
export async function runScript(path: string, env: Record<string, string> = {}, cwd: string = ROOT): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", path], { cwd, env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout;
}

/** Runs `examples/<script>` with tsx in a process of its own; resolves with what it printed. */
export function runExample(script: string, env: Record<string, string> = {}): Promise<string> {
  return runScript(join(ROOT, "examples", script), env);
}

/** Every step of seed 002's flow (`examples/sql/seed-002-flow.ts`) behaved as the seed describes. */
export function expectSeed002Flow(stdout: string): void {
  expect(stdout).toMatch(/POST \/api\/v1\/login → 200 \{"token":.*"token_expires_in":86400\}/);
  expect(stdout).toMatch(/POST \/api\/v1\/customer_login → 200/);
  expect(stdout).toContain("(rotated; the old one is revoked)");
  expect(stdout).toContain("replayed old refresh_token → 401 refresh_token_reused (session revoked)");
  expect(stdout).toContain("POST /api/v1/refresh_token after logout → 401 session_revoked → log in again");
  expect(stdout).toContain("active sessions of the staff user: 1");
}
