// Size report and budget: each entry point bundled and minified as an app's bundler would,
// with the runtime dependencies (jose, @noble/hashes) left out, then gzipped.
//
// Run: npm run size (after npm run build)
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** Minified + gzipped bytes the core entry may grow to before CI fails. */
const CORE_BUDGET = 12 * 1024;
const ENTRIES = { "tokenwise": "dist/index.js", "tokenwise/http": "dist/http/index.js", "tokenwise/client": "dist/client/index.js", "tokenwise/sql": "dist/sql/index.js", "tokenwise/redis": "dist/redis/index.js", "tokenwise/testing": "dist/testing/index.js" };

const rows = [];
for (const [name, entry] of Object.entries(ENTRIES)) {
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: "esm", write: false, external: ["jose", "@noble/hashes", "@noble/hashes/*"], logLevel: "error" });
  const code = result.outputFiles[0].contents;
  rows.push({ name, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length });
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
console.log("| entry | minified | min + gzip |\n| --- | ---: | ---: |");
for (const row of rows) console.log(`| ${row.name} | ${kib(row.minified)} | ${kib(row.gzipped)} |`);
const core = rows[0].gzipped;
console.log(`\ncore: ${kib(core)} of a ${kib(CORE_BUDGET)} budget (jose and @noble/hashes excluded)`);
if (core > CORE_BUDGET) {
  console.error(`size budget exceeded: the core entry is ${kib(core)}, over ${kib(CORE_BUDGET)}`);
  process.exit(1);
}
