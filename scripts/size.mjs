// Size report and budgets: each entry point bundled and minified as an app's bundler would, with
// the runtime dependencies (jose, @noble/hashes) left out, then gzipped. The budgets apply to
// what the two kinds of app actually bundle from the core entry after tree-shaking: an auth
// server (TokenManager and a store) and a resource server (TokenVerifier, often on an edge
// runtime), with #crypto-backend resolved as a bundler for the browser or the edge does: to the
// web backend. The whole entry is reported too; no app imports all of it, and so is the native
// backend Node, Deno and Bun load instead.
//
// Run: npm run size (after npm run build)
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ENTRIES = { "tokenwise": "dist/index.js", "tokenwise/http": "dist/http/index.js", "tokenwise/client": "dist/client/index.js", "tokenwise/sql": "dist/sql/index.js", "tokenwise/redis": "dist/redis/index.js", "tokenwise/testing": "dist/testing/index.js", "tokenwise/express": "dist/express/index.js", "tokenwise/fastify": "dist/fastify/index.js", "tokenwise/hono": "dist/hono/index.js" };

/** Imports from the core entry an app makes, and the min + gzip bytes each may grow to before CI fails. */
const BUDGETS = [
  // 12 KiB until the memory store's million-session layout (columns, expiry heap, sharded indexes, batched purge) added 2.1 KiB.
  { name: "auth server: { TokenManager, MemoryRefreshTokenStore }", source: 'export { TokenManager, MemoryRefreshTokenStore } from "./dist/index.js";', budget: 13 * 1024 },
  { name: "resource server: { TokenVerifier }", source: 'export { TokenVerifier } from "./dist/index.js";', budget: 10 * 1024 },
];

const external = ["jose", "@noble/hashes", "@noble/hashes/*"];
async function gzippedBundle(options) {
  const result = await build({ ...options, bundle: true, minify: true, format: "esm", write: false, external, logLevel: "error" });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
console.log("| entry | minified | min + gzip |\n| --- | ---: | ---: |");
for (const [name, entry] of Object.entries(ENTRIES)) {
  const size = await gzippedBundle({ entryPoints: [entry] });
  console.log(`| ${name} | ${kib(size.minified)} | ${kib(size.gzipped)} |`);
}

console.log("\n| what an app imports from tokenwise | min + gzip | budget |\n| --- | ---: | ---: |");
const exceeded = [];
// What the node condition adds on Node, Deno and Bun instead of the web backend: outside the budgets,
// which measure the web backend a bundler for the browser or the edge resolves #crypto-backend to.
const native = await gzippedBundle({ entryPoints: ["dist/lib/crypto/native.js"], platform: "node" });
console.log(`| native crypto backend (node condition; not budgeted) | ${kib(native.gzipped)} | — |`);
for (const { name, source, budget } of BUDGETS) {
  const size = await gzippedBundle({ stdin: { contents: source, resolveDir: process.cwd() } });
  console.log(`| ${name} | ${kib(size.gzipped)} | ${kib(budget)} |`);
  if (size.gzipped > budget) exceeded.push(`${name}: ${kib(size.gzipped)}, over ${kib(budget)}`);
}
if (exceeded.length > 0) {
  console.error(`\nsize budget exceeded (jose and @noble/hashes excluded):\n  ${exceeded.join("\n  ")}`);
  process.exit(1);
}
