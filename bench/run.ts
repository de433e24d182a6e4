/**
 * `npm run bench`: tokenwise against its peers, in one process, alternating batches — every
 * sample round runs one batch of each compared case in turn (`measure.ts`), so that a case and
 * its baseline see the same JIT state, GC pressure and machine load.
 *
 * What is measured (each one caller at a time, then 16 in flight):
 * - access-token verification, for HS256, ES256, EdDSA and RS256 (`verify-cases.ts`): tokenwise
 *   `verifyAccessToken` on the native backend (`node:crypto`, what Node loads from `dist/`) and on
 *   the Web Crypto backend (`dist/` bundled with the `default` condition, `backends.ts`), each
 *   cold (`verifiedTokenCache: false`) and cached (the default; the same token, so every call is
 *   a hit); bare `jose` `jwtVerify`; `fast-jwt` without and with its cache; `jsonwebtoken` with a
 *   `KeyObject` (no EdDSA); and the `node:crypto` floor (`bare-jws.ts`);
 * - `issue` and `refresh` on the memory store against a bare `node:crypto` sign of the same access
 *   token (`memory-refresh.ts`);
 * - `refresh` on PostgreSQL, MariaDB and SQLite against the same statements through the bare
 *   driver (`sql-refresh.ts`, `bare-sql.ts`), and on Redis against the store's own scripts
 *   through bare ioredis and against the memory store (`redis-refresh.ts`, `bare-redis.ts`); each
 *   bare refresh also hashes, seals and signs as a rotation must (`bare-rotation.ts`). An
 *   unreachable server skips its rows with the reason.
 * It prints ops/s, p50 and p99 per case, every ratio, and the targets met or not; and writes
 * every figure as JSON with the machine it ran on.
 *
 * Run: `npm run bench` (builds `dist/` first), or after a build
 * `npx tsx --tsconfig bench/tsconfig.json bench/run.ts [--quick] [--json <file>]`.
 * `--quick` is the smoke run CI does (tests/bench/quick-bench.test.ts): every case, a handful of
 * operations each, figures not worth quoting. Results go to `bench/results/latest.json` (gitignored)
 * unless `--json` names another file. Servers: PostgreSQL 127.0.0.1:5432 (user postgres, db test),
 * MariaDB 127.0.0.1:3306 (root, db test), Redis 127.0.0.1:6379, as the tests use them.
 */
import { generateSigningKey } from "tokenwise";
import { loadBuilds } from "./backends.js";
import type { BenchAlgorithm } from "./bare-jws.js";
import { mergeGroups, type GroupResult } from "./comparison.js";
import { memoryCases } from "./memory-refresh.js";
import { describeEnvironment, printReport, writeReport, type BenchReport } from "./output.js";
import { peerKeys, type PeerKeys } from "./peer-keys.js";
import { redisCases } from "./redis-refresh.js";
import { parseSettings } from "./settings.js";
import { sqlCases } from "./sql-refresh.js";
import { checkTargets } from "./targets.js";
import { verifyCases } from "./verify-cases.js";

const ALGORITHMS: readonly BenchAlgorithm[] = ["HS256", "ES256", "EdDSA", "RS256"];
/** The store rows sign with EdDSA, the algorithm the README recommends. */
const STORE_ALGORITHM: BenchAlgorithm = "EdDSA";

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const builds = await loadBuilds();
  const keys = new Map<BenchAlgorithm, PeerKeys>();
  for (const alg of ALGORITHMS) keys.set(alg, await peerKeys(alg, await generateSigningKey(alg)));
  const keysOf = (alg: BenchAlgorithm): PeerKeys => keys.get(alg) as PeerKeys;
  const groups: GroupResult[] = [];
  for (const alg of ALGORITHMS) groups.push(await verifyCases(builds, keysOf(alg), settings.verify));
  for (const alg of ALGORITHMS) groups.push(await memoryCases(builds[0], keysOf(alg), settings.signing));
  groups.push(await sqlCases(builds[0], keysOf(STORE_ALGORITHM), settings.database));
  groups.push(await redisCases(builds[0], keysOf(STORE_ALGORITHM), settings.signing));
  const results = mergeGroups(groups);
  const report: BenchReport = {
    environment: describeEnvironment(),
    settings,
    builds: builds.map((build) => ({ label: build.label, cryptoBackend: build.module.cryptoBackend, source: build.source })),
    results,
    targets: checkTargets(results, ALGORITHMS, ALGORITHMS, STORE_ALGORITHM),
  };
  printReport(report);
  writeReport(report, settings.jsonPath);
  console.log(`\nJSON: ${settings.jsonPath}`);
}

await main();
