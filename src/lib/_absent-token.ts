/**
 * Telling a missing token from a malformed one, so the error message says which. The error
 * codes stay the same (`invalid_token`, `invalid_refresh_token`): only `tokenwise/http`, which
 * sees the request, knows a credential was not sent at all (`missing_token`). Internal.
 */

/**
 * Whether a presented token is absent: `undefined`, `null` or the empty string.
 *
 * @param value - what the caller passed as the token
 * @returns `true` when there is no token at all
 */
export function isAbsentToken(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** The message of `invalid_refresh_token` when no refresh token was presented. */
export const MISSING_REFRESH_TOKEN = "The refresh token is missing";
