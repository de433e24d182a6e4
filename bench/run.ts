/**
 * Hot-path benchmark: `verifyAccessToken` against a bare `jose` `jwtVerify` with the same key and
 * token (the baseline, measured in the same run), plus `issue` and `refresh` on the memory store.
 *
 * Each case runs a warm-up, then SAMPLES batches of BATCH operations, alternating with its
 * baseline; the table reports the median batch as microseconds per operation and the ratio to
 * the baseline.
 *
 * Run: npm run bench
 */
import { jwtVerify } from "jose";
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager, type SigningAlgorithm, type SigningKey } from "tokenwise";

const SAMPLES = 15;
const BATCH = 200;
const WARM_UP = 300;

interface Result {
  name: string;
  microseconds: number;
  baseline?: string;
}

async function batch(operation: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < BATCH; i++) await operation();
  return ((performance.now() - start) * 1000) / BATCH;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/**
 * Measures operations side by side: every sample round runs one batch of each, in turn, so a
 * baseline and its candidate see the same JIT state, GC pressure and machine load.
 */
async function measure(operations: (() => Promise<unknown>)[]): Promise<number[]> {
  for (const operation of operations) for (let i = 0; i < WARM_UP; i++) await operation();
  const samples: number[][] = operations.map(() => []);
  for (let round = 0; round < SAMPLES; round++) {
    for (const [index, operation] of operations.entries()) samples[index]?.push(await batch(operation));
  }
  return samples.map(median);
}

function manager(signingKey: SigningKey): TokenManager {
  return new TokenManager({ issuer: "https://bench.test", audience: "api", signingKeys: [signingKey], store: new MemoryRefreshTokenStore() });
}

/** The key the baseline verifies with: the same key material, imported once, as jose users do. */
async function baselineKey(signingKey: SigningKey): Promise<CryptoKey> {
  if ("secret" in signingKey) {
    const hash = `SHA-${signingKey.alg.slice(2)}`;
    return crypto.subtle.importKey("raw", signingKey.secret as Uint8Array<ArrayBuffer>, { name: "HMAC", hash }, false, ["verify"]);
  }
  return signingKey.publicKey as CryptoKey;
}

async function verifyCases(alg: SigningAlgorithm): Promise<Result[]> {
  const signingKey = await generateSigningKey(alg);
  const tokens = manager(signingKey);
  const { accessToken } = await tokens.issue({ subject: "user-42", claims: { roles: ["admin"] } });
  const key = await baselineKey(signingKey);
  const baselineName = `jose jwtVerify ${alg} (baseline)`;
  const [baseline, candidate] = await measure([() => jwtVerify(accessToken, key), () => tokens.verifyAccessToken(accessToken)]);
  return [
    { name: baselineName, microseconds: baseline as number },
    { name: `verifyAccessToken ${alg}`, microseconds: candidate as number, baseline: baselineName },
  ];
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const alg of ["HS256", "EdDSA", "ES256"] as const) results.push(...(await verifyCases(alg)));
  const tokens = manager(await generateSigningKey("EdDSA"));
  let refreshToken = (await tokens.issue({ subject: "user-42" })).refreshToken;
  const [issue, refresh] = await measure([
    () => tokens.issue({ subject: "user-42" }),
    async () => {
      refreshToken = (await tokens.refresh(refreshToken)).refreshToken;
    },
  ]);
  results.push({ name: "issue EdDSA + memory store", microseconds: issue as number });
  results.push({ name: "refresh EdDSA + memory store", microseconds: refresh as number });
  printTable(results);
}

function printTable(results: Result[]): void {
  const byName = new Map(results.map((result) => [result.name, result]));
  console.log(`node ${process.version}; median of ${SAMPLES} batches × ${BATCH} operations after ${WARM_UP} warm-up\n`);
  console.log("| case | median µs/op | ops/s | vs baseline |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const result of results) {
    const base = result.baseline ? byName.get(result.baseline) : undefined;
    const ratio = base ? `${(result.microseconds / base.microseconds).toFixed(2)}×` : "";
    console.log(`| ${result.name} | ${result.microseconds.toFixed(1)} | ${Math.round(1e6 / result.microseconds)} | ${ratio} |`);
  }
}

await main();
