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

/** What every session event carries. */
export interface SessionEventBase {
  /** When it happened, by the manager's clock. */
  at: Date;
  /** The subject (`sub`) concerned. */
  subject: string;
  /** The session concerned. */
  sessionId: string;
}

/** A login: a new session and its first token pair. */
export interface IssuedEvent extends SessionEventBase {
  /** Discriminant. */
  type: "issued";
}

/** A refresh. */
export interface RefreshedEvent extends SessionEventBase {
  /** Discriminant. */
  type: "refreshed";
  /** `true` when the presented token was already spent within the grace window and its existing successor was returned. */
  replayed: boolean;
}

/** A spent refresh token was presented again; the session is being revoked. Alert on it. */
export interface ReuseDetectedEvent extends SessionEventBase {
  /** Discriminant. */
  type: "reuse_detected";
}

/** A session was revoked. */
export interface RevokedEvent extends SessionEventBase {
  /** Discriminant. */
  type: "revoked";
  /** Why it ended. */
  reason: RevocationReason;
}

/** `revokeAllSessions()`: every session of a subject was revoked. */
export interface RevokedAllEvent {
  /** Discriminant. */
  type: "revoked_all";
  /** When it happened, by the manager's clock. */
  at: Date;
  /** The subject logged out everywhere. */
  subject: string;
  /** How many sessions were revoked. */
  count: number;
}

/** An event reported through the `onEvent` option; switch on `type`. */
export type TokenEvent = IssuedEvent | RefreshedEvent | ReuseDetectedEvent | RevokedEvent | RevokedAllEvent;

/**
 * Receives audit events. Called synchronously after the state change is committed; an exception
 * it throws propagates to the caller of the manager method, so keep it non-throwing (queue the
 * event, log it) — the state change itself is not rolled back.
 */
export type TokenEventListener = (event: TokenEvent) => void;
