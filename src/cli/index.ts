#!/usr/bin/env node
/**
 * The `tokenwise` command (`npx tokenwise keygen --alg EdDSA`). Reads the process through
 * `globalThis`, so the same file runs under Node, Deno and Bun.
 *
 * @module
 */
import { runCommand } from "./keygen.js";

/** The few members of the host's `process` the command uses. */
interface HostProcess {
  argv: string[];
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  exitCode?: number;
}

const host = (globalThis as unknown as { process: HostProcess }).process;
const result = await runCommand(host.argv.slice(2));
host.stdout.write(result.stdout);
host.stderr.write(result.stderr);
host.exitCode = result.exitCode;
