/** End-to-end checks of a store through a real TokenManager. Internal. */
import { generateSigningKey } from "../signing-keys.js";
import type { RefreshTokenStore } from "../store.js";
import { TokenManager } from "../token-manager.js";
import { check, checkEqual, uniqueId, type Check } from "./_fixtures.js";

async function managerOver(store: RefreshTokenStore, reuseGraceSeconds: number): Promise<TokenManager> {
  return new TokenManager({
    issuer: "https://conformance.test",
    audience: "conformance",
    signingKeys: [await generateSigningKey("HS256")],
    store,
    reuseGraceSeconds,
  });
}

function errorCode(reason: unknown): string {
  return String((reason as { code?: unknown }).code ?? reason);
}

export const checkManagerConformance: Record<string, Check> = {
  "concurrent refreshes of one token all get the same successor within the grace window": async ({ store, concurrency }) => {
    const tokens = await managerOver(store, 10);
    const pair = await tokens.issue({ subject: uniqueId("subject") });
    const outcomes = await Promise.allSettled(Array.from({ length: concurrency }, () => tokens.refresh(pair.refreshToken)));
    const failures = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [errorCode(outcome.reason)] : []));
    checkEqual(failures, [], "failed refreshes");
    const successors = new Set(outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.refreshToken : "")));
    checkEqual(successors.size, 1, "distinct successors");
    const [successor] = successors;
    check((await tokens.refresh(successor)).sessionId === pair.sessionId, "the shared successor refreshes in the same session");
  },

  "with a zero grace window exactly one concurrent refresh wins and the rest see reuse": async ({ store, concurrency }) => {
    const tokens = await managerOver(store, 0);
    const subject = uniqueId("subject");
    const pair = await tokens.issue({ subject });
    const outcomes = await Promise.allSettled(Array.from({ length: concurrency }, () => tokens.refresh(pair.refreshToken)));
    const failures = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [errorCode(outcome.reason)] : []));
    checkEqual(outcomes.length - failures.length, 1, "successful refreshes");
    checkEqual(new Set(failures), new Set(["refresh_token_reused"]), "failure codes");
    checkEqual(await tokens.listSessions(subject), [], "active sessions after reuse");
  },

  "a spent token whose successor is spent too revokes the session, even within the window": async ({ store }) => {
    const tokens = await managerOver(store, 10);
    const pair = await tokens.issue({ subject: uniqueId("subject") });
    const next = await tokens.refresh(pair.refreshToken);
    const third = await tokens.refresh(next.refreshToken);
    const reuse = await tokens.refresh(pair.refreshToken).then(() => "accepted", errorCode);
    checkEqual(reuse, "refresh_token_reused", "presenting the first token after its successor was spent");
    const afterwards = await tokens.refresh(third.refreshToken).then(() => "accepted", errorCode);
    checkEqual(afterwards, "session_revoked", "the newest token after reuse");
  },

  "a spent token presented after the window revokes the session": async ({ store }) => {
    const tokens = await managerOver(store, 0);
    const pair = await tokens.issue({ subject: uniqueId("subject") });
    const next = await tokens.refresh(pair.refreshToken);
    const reuse = await tokens.refresh(pair.refreshToken).then(() => "accepted", errorCode);
    checkEqual(reuse, "refresh_token_reused", "presenting the spent token");
    const afterwards = await tokens.refresh(next.refreshToken).then(() => "accepted", errorCode);
    checkEqual(afterwards, "session_revoked", "the successor after reuse");
  },
};
