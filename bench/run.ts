/**
 * Hot-path benchmark: `verifyAccessToken` against a bare `jose` `jwtVerify` with the same key and
 * token (the baseline, measured in the same run), plus `issue` and `refresh` on the memory store,
 * and `refresh` on the Redis store against the memory store (skipped when Redis is unreachable).
 *
 * Each comparison runs a warm-up, then SAMPLES batches of BATCH operations, alternating with its
 * baseline; the table reports the median batch as microseconds per operation and the ratio to
 * the baseline.
 *
 * Run: npm run bench (Redis: 127.0.0.1:6379, as the tests use)
 */
import { jwtVerify } from "jose";
import { generateSigningKey, type SigningAlgorithm, type SigningKey } from "tokenwise";
import { measure } from "./measure.js";
import { withRedis } from "./redis.js";
import { manager, storeCases } from "./refresh.js";
import { printTable, type Result } from "./report.js";

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
  const signingKey = await generateSigningKey("EdDSA");
  const stores = await withRedis((redis) => storeCases(signingKey, redis));
  printTable([...results, ...stores.results], stores.notes);
}

await main();
