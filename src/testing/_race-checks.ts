/** The race between a spend and a revocation of its session, from every side. Internal. */
import { check, checkEqual, makeSeal, MINUTE, type Check } from "./_fixtures.js";

/** Rounds of the race; each uses a fresh session. */
const ROUNDS = 50;

/** How the two calls of a round are started, in turn. */
const SCHEDULES = [
  "the revocation resolves before the spend is called",
  "both are called in the same tick",
  "the spend is called first, the revocation a moment later",
  "the revocation is called first, the spend a moment later",
] as const;

/** Lets the event loop run: timers, I/O callbacks and every pending promise job. */
function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

export const spendRaceChecks: Record<string, Check> = {
  "never succeeds once a revocation of the session has resolved, even racing it": async ({ store, seed, spend, makeToken, at }) => {
    for (let round = 0; round < ROUNDS; round++) {
      const schedule = round % SCHEDULES.length;
      const gap = Math.floor(round / SCHEDULES.length) % 3;
      const where = `round ${round + 1}, where ${SCHEDULES[schedule]}`;
      const { session, token } = await seed();
      const successor = makeToken(session, { issuedAt: at(MINUTE) });
      let revocationResolved = false;
      let spendCalledAfterRevocation = false;
      const revoke = async () => {
        const revoked = await store.revokeSession(session.id, at(MINUTE));
        revocationResolved = true;
        // Started after the revocation resolved: a spend that wins has happened before it, so this read sees it.
        return { revoked, seen: await store.findToken(token.hash) };
      };
      const startSpend = () => {
        spendCalledAfterRevocation = revocationResolved;
        return store.spendToken({ hash: token.hash, at: at(MINUTE), successor, sealedSuccessor: makeSeal() });
      };
      let revocation: ReturnType<typeof revoke>;
      let spending: Promise<boolean>;
      if (schedule === 0) {
        await (revocation = revoke());
        spending = startSpend();
      } else if (schedule === 1) {
        revocation = revoke();
        spending = startSpend();
      } else if (schedule === 2) {
        spending = startSpend();
        await pause(gap);
        revocation = revoke();
      } else {
        revocation = revoke();
        await pause(gap);
        spending = startSpend();
      }
      const [{ revoked, seen }, spent] = await Promise.all([revocation, spending]);
      check(revoked, `${where}: revokeSession of an active session returns true`);
      if (spendCalledAfterRevocation) check(!spent, `${where}: a spend called after the revocation resolved returns false`);
      if (spent) {
        check(seen?.token.spentAt, `${where}: the spend won, yet a read started after the revocation resolved saw the token unspent (a check made before the write?)`);
        const stored = await store.findToken(successor.hash);
        check(stored, `${where}: the winning spend's successor exists`);
        check(stored.session.revokedAt, `${where}: the session of the winning spend is revoked`);
        check(!(await spend(session, successor.hash, at(2 * MINUTE))).spent, `${where}: the successor in the revoked session cannot be spent`);
      } else {
        checkEqual(await store.findToken(successor.hash), null, `${where}: the successor of the refused spend`);
        checkEqual((await store.findToken(token.hash))?.token.spentAt, null, `${where}: the token of the refused spend`);
      }
    }
  },
};
