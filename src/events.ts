/**
 * Audit events. Pass `onEvent` to the manager to log logins, refreshes, revocations and — most
 * importantly — detected refresh-token reuse, which is a sign of token theft.
 *
 * @module
 */

/** Why a session ended early. */
export type RevocationReason =
  /** `revoke()` or `revokeSession()`: the user logged out of this session. */
  | "logout"
  /** A spent refresh token was presented again (RFC 9700 §4.14.2). */
  | "reuse_detected"
  /** `resolveClaims` refused the session (user disabled, deleted, …). */
  | "refused"
  /** A newer login pushed the session out (`maxSessionsPerSubject`). */
  | "replaced";

/** What every event carries. */
interface EventBase {
  /** When it happened, by the manager's clock. */
  at: Date;
  /** The subject (`sub`) concerned. */
  subject: string;
  /** The session concerned. */
  sessionId: string;
}

/** An event reported through the `onEvent` option. */
export type TokenEvent =
  /** A login: a new session and its first token pair. */
  | (EventBase & { type: "issued" })
  /**
   * A refresh. `replayed` is `true` when the presented token was already spent within the
   * grace window and the client got its existing successor again.
   */
  | (EventBase & { type: "refreshed"; replayed: boolean })
  /** A spent refresh token was presented again; the session is being revoked. */
  | (EventBase & { type: "reuse_detected" })
  /** A session was revoked. */
  | (EventBase & { type: "revoked"; reason: RevocationReason })
  /** `revokeAllSessions()`: every session of the subject was revoked; `count` says how many. */
  | { type: "revoked_all"; at: Date; subject: string; count: number };

/**
 * Receives audit events. Called synchronously after the state change is committed; an exception
 * it throws propagates to the caller of the manager method, so keep it non-throwing (queue the
 * event, log it) — the state change itself is not rolled back.
 */
export type TokenEventListener = (event: TokenEvent) => void;
