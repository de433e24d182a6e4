/** Which sessions a login evicts to respect `maxActiveSessions`: one rule for every store in this package. Internal. */
import { sessionBelongsTo, type SessionBinding } from "../store.js";

/**
 * The ids of the sessions to revoke so that `newest`, joining the subject's active sessions,
 * leaves at most `limit` of its binding active: the oldest others of that binding.
 *
 * @param active - the subject's other active sessions, oldest first (by `createdAt`, then `id`)
 * @param newest - the session being created
 * @param limit - `maxActiveSessions`
 * @returns the ids to revoke, oldest first
 */
export function sessionsToEvict(active: readonly (SessionBinding & { id: string })[], newest: SessionBinding, limit: number): string[] {
  const others = active.filter((session) => sessionBelongsTo(session, newest));
  return others.slice(0, Math.max(0, others.length + 1 - limit)).map((session) => session.id);
}
