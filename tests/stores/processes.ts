/** Starting and steering refresh-worker processes. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const WORKER = join(import.meta.dirname, "refresh-worker.ts");
const ROOT = join(import.meta.dirname, "../..");

/** A running worker and the lines it printed. */
export interface Worker {
  process: ChildProcessWithoutNullStreams;
  /** Resolves with the next line printed on stdout. */
  nextLine(): Promise<string>;
  /** Every line printed so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts a worker with the given environment. */
export function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], { cwd: ROOT, env: { ...process.env, ...env } });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  const queued: string[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queued.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  void exited.then((code) => {
    if (code !== 0 && code !== null) for (const waiter of waiting.splice(0)) waiter(`exit ${code}: ${stderr}`);
  });
  return {
    process: child,
    lines,
    exited,
    nextLine: () => {
      const line = queued.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
