/**
 * One call that authenticates a request: claims, or a ready error `Response`.
 *
 * @module
 */
import type { AccessTokenVerifier, VerifiedAccessToken } from "../access-tokens.js";
import { InsufficientScopeError, type TokenwiseError } from "../errors.js";
import type { JsonShape } from "../json.js";
import { parseBearerToken } from "./bearer.js";
import { bearerErrorResponse } from "./responses.js";

/** Options of {@link requireAuth}. */
export interface RequireAuthOptions<Claims extends JsonShape<Claims>> {
  /** Also reject tokens of revoked sessions (one store read). @default false */
  checkSession?: boolean;
  /** Scopes the token's space-separated `scope` claim must all contain (RFC 9068 §2.2.3). @default none */
  scopes?: readonly string[];
  /** A further check of the claims, e.g. a role; `false` answers 403 `insufficient_scope`. @default none */
  authorize?: (claims: VerifiedAccessToken<Claims>) => boolean;
  /** The `realm` of the challenge. @default "api" */
  realm?: string;
}

/** A request that passed {@link requireAuth}. */
export interface AuthSuccess<Claims extends JsonShape<Claims>> {
  /** Discriminant. */
  ok: true;
  /** The verified claims. */
  claims: VerifiedAccessToken<Claims>;
}

/** A request that failed {@link requireAuth}. */
export interface AuthFailure {
  /** Discriminant. */
  ok: false;
  /** The response to send: 400, 401, 403 or 503 with its challenge. */
  response: Response;
  /** Why, for logs: a `TokenwiseError`, or whatever else was thrown. */
  error: TokenwiseError | unknown;
}

/** What {@link requireAuth} resolves to. */
export type AuthResult<Claims extends JsonShape<Claims>> = AuthSuccess<Claims> | AuthFailure;

/**
 * Authenticates a request by its Bearer token: verifies it, optionally checks the session,
 * scopes and a custom rule, and returns the claims — or a ready 400/401/403/503 response with
 * the right RFC 6750 challenge. Never throws for a bad request.
 *
 * @param request - the incoming request, or only its headers (all it reads is `Authorization`)
 * @param tokens - a `TokenManager`, or a `TokenVerifier` in a service that did not issue the tokens
 * @param options - session check, scopes, custom rule, realm
 * @returns `{ ok: true, claims }` or `{ ok: false, response, error }`
 *
 * @example
 * ```ts
 * import { requireAuth } from "tokenwise/http";
 *
 * const auth = await requireAuth(request, tokens, { authorize: (claims) => claims.role === "admin" });
 * if (!auth.ok) return auth.response;
 * return Response.json({ hello: auth.claims.sub });
 * ```
 */
export async function requireAuth<Claims extends JsonShape<Claims>>(
  request: Request | Headers,
  tokens: AccessTokenVerifier<Claims>,
  options: RequireAuthOptions<Claims> = {},
): Promise<AuthResult<Claims>> {
  try {
    const claims = await tokens.verifyAccessToken(parseBearerToken(request), { checkSession: options.checkSession ?? false });
    const scope = (claims as { scope?: unknown }).scope;
    const granted = typeof scope === "string" ? scope.split(" ") : [];
    const scopes = options.scopes ?? [];
    if (!scopes.every((scope) => granted.includes(scope))) throw new InsufficientScopeError(scopes);
    if (options.authorize && !options.authorize(claims)) throw new InsufficientScopeError();
    return { ok: true, claims };
  } catch (error) {
    const realm = options.realm === undefined ? {} : { realm: options.realm };
    return { ok: false, response: bearerErrorResponse(error, realm), error };
  }
}
