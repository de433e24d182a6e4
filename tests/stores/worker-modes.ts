/**
 * What a refresh worker does, whatever store it opened: the modes `refresh-worker.ts` (SQL)
 * and `redis-worker.ts` share. Each worker reads its settings from the environment: SECRET,
 * GRACE, TOKEN, REFRESHES.
 */
import { createInterface } from "node:readline";
import { TokenManager, type RefreshTokenStore } from "tokenwise";

const env = process.env as Record<string, string>;

/** stdin, line by line: where the parent writes "go". */
const lines = createInterface({ input: process.stdin });

/** Resolves when the parent writes "go". */
export async function waitForGo(): Promise<void> {
  for await (const line of lines) if (line === "go") return;
}

/** The manager every worker and its parent build alike, over `store`. */
export function workerManager(store: RefreshTokenStore): TokenManager {
  return new TokenManager({
    issuer: "https://multi-process.test",
    audience: "api",
    signingKeys: [{ alg: "HS256", secret: Buffer.from(env.SECRET as string, "base64url") }],
    store,
    reuseGraceSeconds: Number(env.GRACE),
  });
}

/** race: prints "ready", waits for "go", then REFRESHES concurrent refreshes of TOKEN; prints one JSON array of outcomes. */
export async function race(tokens: TokenManager): Promise<void> {
  console.log("ready");
  await waitForGo();
  const outcomes = await Promise.allSettled(Array.from({ length: Number(env.REFRESHES) }, () => tokens.refresh(env.TOKEN)));
  const report = outcomes.map((outcome) =>
    outcome.status === "fulfilled" ? { token: outcome.value.refreshToken } : { code: (outcome.reason as { code?: string }).code ?? String(outcome.reason) },
  );
  console.log(JSON.stringify(report));
  process.exit(0);
}

/** chain: refreshes TOKEN, then its successor, and so on, printing each new token, until killed. */
export async function chain(tokens: TokenManager): Promise<void> {
  let token = env.TOKEN as string;
  for (;;) {
    token = (await tokens.refresh(token)).refreshToken;
    console.log(JSON.stringify({ token }));
  }
}
