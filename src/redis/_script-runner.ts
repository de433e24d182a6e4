/**
 * Runs the store's scripts by SHA-1, the way Redis caches them. Internal.
 *
 * The first call of a script on a server (or after `SCRIPT FLUSH`, a restart, or a failover to
 * a node that never ran it) answers `NOSCRIPT`; the script then runs once with `EVAL`, which
 * also caches it on that node. `EVAL` rather than `SCRIPT LOAD`: it carries the keys, so on
 * Redis Cluster it reaches the node that owns them, where a keyless `SCRIPT LOAD` would load
 * the script on whichever node the client picked. `NOSCRIPT` means the script did not run, so
 * running it again is safe.
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { toHex, utf8 } from "../lib/_bytes.js";
import type { RedisClient } from "./client.js";
import { SCRIPTS, type ScriptName } from "./scripts.js";

const shas = new Map<ScriptName, string>();

/** The SHA-1 `EVALSHA` names a script by, computed once. */
function shaOf(name: ScriptName): string {
  let sha = shas.get(name);
  if (sha === undefined) shas.set(name, (sha = toHex(sha1(utf8(SCRIPTS[name])))));
  return sha;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && /\bNOSCRIPT\b/.test(error.message);
}

/**
 * Runs a script by its SHA-1, falling back to its source once on `NOSCRIPT`.
 *
 * @param client - the Redis client
 * @param name - which script
 * @param keys - the keys it declares
 * @param args - its arguments; `ARGV[1]` is the key prefix
 * @returns the script's reply
 */
export async function runScript(client: RedisClient, name: ScriptName, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  try {
    return await client.evalsha(shaOf(name), keys, args);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return client.eval(SCRIPTS[name], keys, args);
  }
}
