/** The store contract, one check per promise made in `src/store.ts`, grouped by method. Internal. */
import { createSessionChecks, findTokenChecks } from "./_create-checks.js";
import type { Check } from "./_fixtures.js";
import { purgeExpiredChecks } from "./_purge-checks.js";
import { spendRaceChecks } from "./_race-checks.js";
import { listSessionsChecks, revokeSessionChecks, revokeSubjectChecks, touchSessionChecks } from "./_session-checks.js";
import { spendTokenChecks } from "./_spend-checks.js";

/** Group (the method) → rule → check. */
export const contractChecks: Record<string, Record<string, Check>> = {
  createSession: createSessionChecks,
  findToken: findTokenChecks,
  spendToken: { ...spendTokenChecks, ...spendRaceChecks },
  touchSession: touchSessionChecks,
  revokeSession: revokeSessionChecks,
  revokeSubject: revokeSubjectChecks,
  listSessions: listSessionsChecks,
  purgeExpired: purgeExpiredChecks,
};
