import { afterAll, describe, expect, it } from "vitest";
import { openMariadb, openOrSkip, openPostgres, openSqliteFile, type DatabaseOpener, type TestDatabase } from "./databases.js";
import { setUp, startWorker, tokenRows } from "./processes.js";

const PROCESSES = 4;
const REFRESHES_PER_PROCESS = 50;

const DATABASES: [string, "postgres" | "mysql" | "sqlite", DatabaseOpener][] = [
  ["PostgreSQL", "postgres", openPostgres],
  ["MariaDB", "mysql", openMariadb],
  ["SQLite file", "sqlite", openSqliteFile],
];

/** Starts the workers, releases them at once, and gathers every outcome. */
async function race(env: Record<string, string>, token: string): Promise<{ token?: string; code?: string }[]> {
  const workers = Array.from({ length: PROCESSES }, () =>
    startWorker({ ...env, MODE: "race", TOKEN: token, REFRESHES: String(REFRESHES_PER_PROCESS) }),
  );
  for (const worker of workers) expect(await worker.nextLine()).toBe("ready");
  for (const worker of workers) worker.process.stdin.write("go\n");
  const reports = await Promise.all(workers.map((worker) => worker.nextLine()));
  return reports.flatMap((report) => JSON.parse(report) as { token?: string; code?: string }[]);
}

for (const [name, dialect, open] of DATABASES) {
  const database = await openOrSkip(open);
  describe.skipIf(!database)(`${name}: ${PROCESSES} processes × ${REFRESHES_PER_PROCESS} concurrent refreshes of one token`, () => {
    const db = database as TestDatabase;
    afterAll(() => db.close());

    it("with the grace window, every caller gets the same successor and exactly one successor row exists", async () => {
      const { tokens, env } = await setUp(db, dialect, 10);
      const pair = await tokens.issue({ subject: "racer" });
      const outcomes = await race(env, pair.refreshToken);
      expect(outcomes).toHaveLength(PROCESSES * REFRESHES_PER_PROCESS);
      expect(outcomes.filter((outcome) => outcome.code)).toEqual([]);
      expect(new Set(outcomes.map((outcome) => outcome.token)).size).toBe(1);
      const rows = await tokenRows(db, env.TABLE_PREFIX as string, pair.sessionId);
      expect(rows).toHaveLength(2);
      await expect(tokens.refresh(outcomes[0]?.token)).resolves.toMatchObject({ sessionId: pair.sessionId });
    });

    it("with a zero window, exactly one succeeds, the others get refresh_token_reused, and the session ends revoked", async () => {
      const { tokens, store, env } = await setUp(db, dialect, 0);
      const pair = await tokens.issue({ subject: "racer" });
      const outcomes = await race(env, pair.refreshToken);
      const winners = outcomes.filter((outcome) => outcome.token);
      const codes = new Set(outcomes.filter((outcome) => outcome.code).map((outcome) => outcome.code));
      expect(winners).toHaveLength(1);
      expect([...codes]).toEqual(["refresh_token_reused"]);
      expect((await store.findSession(pair.sessionId))?.revokedAt).toBeInstanceOf(Date);
      expect(await tokenRows(db, env.TABLE_PREFIX as string, pair.sessionId)).toHaveLength(2);
    });

    it("a process killed mid-rotation leaves the chain whole: before or after each rotation, never half-way", async () => {
      const { tokens, store, env } = await setUp(db, dialect, 10);
      const pair = await tokens.issue({ subject: "crash" });
      let token = pair.refreshToken;
      for (let round = 0; round < 3; round++) {
        const worker = startWorker({ ...env, MODE: "chain", TOKEN: token });
        while (worker.lines.length < 15 + round * 7) await worker.nextLine();
        worker.process.kill("SIGKILL");
        await worker.exited;
        token = (JSON.parse(worker.lines.at(-1) as string) as { token: string }).token;
      }
      const rows = await tokenRows(db, env.TABLE_PREFIX as string, pair.sessionId);
      const hashes = new Set(rows.map((row) => row.hash));
      const spent = rows.filter((row) => row.spent_at !== null);
      const unspent = rows.filter((row) => row.spent_at === null);
      expect(unspent).toHaveLength(1);
      expect(spent.length).toBe(rows.length - 1);
      for (const row of spent) {
        expect(row.successor_hash !== null && hashes.has(row.successor_hash)).toBe(true);
        expect(row.sealed_successor).not.toBeNull();
      }
      const successors = spent.map((row) => row.successor_hash);
      expect(new Set(successors).size).toBe(successors.length);
      expect((await store.findSession(pair.sessionId))?.revokedAt).toBeNull();
      await expect(tokens.refresh(token)).resolves.toMatchObject({ sessionId: pair.sessionId });
    });
  });
}
