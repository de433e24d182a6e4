// The report the matrix's check scripts print: "ok - name" or "not ok - name: why" per check, then
// the "N passed, N failed" line scripts/test-runtimes.mjs counts. Runs on Node, Deno and Bun.
let passed = 0;
let failed = 0;

/** Runs one check; a throw or a rejection fails it. */
export async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    fail(`${name}: ${error?.stack ?? error}`);
  }
}

/** Counts a check that could not run as failed, with the reason. */
export function fail(reason) {
  failed++;
  console.log(`not ok - ${reason}`);
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Prints the counts; exits 1 if any check failed. */
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exit(1);
}
