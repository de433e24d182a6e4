/** The one rule for "this access token's session is still on", shared by the manager and `TokenVerifier`. Internal. */
import { SessionRevokedError } from "../errors.js";
import type { SessionRecord } from "../store.js";

/**
 * Checks the session an access token names: found (and of the right binding), of the token's
 * subject, not revoked, not past its maximum age.
 *
 * @param session - the stored session, or `null` when there is none of this binding
 * @param subject - the token's `sub`
 * @param now - the current time
 * @returns the session
 * @throws {SessionRevokedError} `session_revoked`
 */
export function requireActiveSession(session: SessionRecord | null, subject: string, now: Date): SessionRecord {
  if (!session || session.subject !== subject || session.revokedAt !== null) throw new SessionRevokedError();
  if (session.expiresAt.getTime() <= now.getTime()) throw new SessionRevokedError("The session has ended");
  return session;
}
