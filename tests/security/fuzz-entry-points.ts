/**
 * Every public entry point that takes outside input, as one table: how an input reaches it,
 * how to call it, and how to read what it returned. The properties in
 * `fuzz-entry-points.test.ts` run over every row alike.
 */
import fc from "fast-check";
import { isTokenwiseError, type AccessTokenGrant } from "tokenwise";
import { parseBearerToken, readCookie, readRefreshToken, requireAuth, type AuthResult } from "tokenwise/http";
import {
  authorizationSource,
  authorizationVariant,
  bearerCredentialOf,
  checkBearerResult,
  cookieSource,
  cookieVariant,
  isPlainCookie,
  isPlainRefreshRequest,
  PLAIN_AUTHORIZATION,
  PLAIN_COOKIES,
  PLAIN_REFRESH_REQUEST,
  REFRESH_COOKIE,
  refreshRequest,
  refreshRequestVariant,
  type AuthorizationVariant,
} from "./fuzz-requests.js";
import type { FuzzAlgorithm, FuzzHarness, FuzzHarnessOptions } from "./fuzz-support.js";

/** An input on its way in. */
export interface Delivery {
  /** What the entry point is called with. */
  input: unknown;
  /**
   * The token as the entry point will find it, when a strict reader finds exactly one;
   * `undefined` otherwise. When it equals the issued token, the original result is due.
   */
  received: unknown;
  /** Check of a returned value beyond its shape (extractors: it must come from the request). */
  check?: (value: unknown) => void;
}

/** What a returned value means: accepted (with what must equal the original's), or a refusal. */
export type Verdict = { accepted: true; observation: unknown } | { accepted: false };

export interface EntryPoint {
  name: string;
  harness: FuzzHarnessOptions;
  /** Which token of the harness's login the inputs are made from. */
  token: "accessToken" | "refreshToken";
  /** The input travels in HTTP, so only strings can be presented. */
  strings: boolean;
  /** Accepting is a verdict on the token: no other spelling may be accepted. */
  verifies: boolean;
  /** Accepting changes the store: the harness is rebuilt afterwards. */
  consumes: boolean;
  variant: fc.Arbitrary<unknown>;
  /** The variant that delivers a token untouched. */
  plain: unknown;
  /** Hands `presented` over as a caller would; throws when the runtime refuses to carry it. */
  deliver(presented: unknown, variant: unknown): Delivery;
  call(harness: FuzzHarness, delivery: Delivery): unknown;
  /** Reads a returned value; throws when it is not a result this entry point may return. */
  judge(value: unknown): Verdict;
}

function entryPoint<V>(
  spec: Omit<EntryPoint, "variant" | "plain" | "deliver"> & { variant: fc.Arbitrary<V>; plain: V; deliver(presented: unknown, variant: V): Delivery },
): EntryPoint {
  return spec as EntryPoint;
}

const accepted = (observation: unknown): Verdict => ({ accepted: true, observation });
const refused: Verdict = { accepted: false };

function malformed(what: string, value: unknown): never {
  throw new Error(`${what} returned ${fc.stringify(value)}, which is neither a result nor a refusal`);
}

/** The part of a grant that must equal the original's; the tokens themselves are fresh each time. */
function grantObservation(what: string, value: unknown): Verdict {
  if (typeof value !== "object" || value === null || typeof (value as AccessTokenGrant).accessToken !== "string") return malformed(what, value);
  const { tokenType, expiresIn, accessTokenExpiresAt, sessionId, subject } = value as AccessTokenGrant;
  const refreshTokenExpiresIn = (value as { refreshTokenExpiresIn?: unknown }).refreshTokenExpiresIn;
  return accepted({ tokenType, expiresIn, accessTokenExpiresAt, sessionId, subject, refreshTokenExpiresIn });
}

/** Checks a value an extractor returned: a string (or `null` where allowed) found in what was sent. */
function extracted(what: string, texts: readonly string[], options: { nullable: boolean }): (value: unknown) => void {
  return (value) => {
    if (value === null && options.nullable) return;
    if (typeof value !== "string" || !texts.some((text) => text.includes(value))) {
      throw new Error(`${what} returned ${fc.stringify(value)}, which the request did not carry`);
    }
  };
}

const extractorJudge = (value: unknown): Verdict => accepted(value);

/** `verifyAccessToken` under one signing algorithm: the signature's length sets its unused bits. */
function verifyAccessTokenWith(alg: FuzzAlgorithm): EntryPoint {
  return entryPoint({
    name: `TokenManager.verifyAccessToken (${alg})`,
    harness: { alg },
    token: "accessToken",
    strings: false,
    verifies: true,
    consumes: false,
    variant: fc.record({ checkSession: fc.boolean() }),
    plain: { checkSession: false },
    deliver: (presented, variant) => ({ input: { token: presented, ...variant }, received: presented }),
    call: (h, { input }) => {
      const { token, checkSession } = input as { token: unknown; checkSession: boolean };
      return h.tokens.verifyAccessToken(token, { checkSession });
    },
    judge: (value) => (typeof value === "object" && value !== null ? accepted(value) : malformed("verifyAccessToken", value)),
  });
}

/** A manager method that takes the presented value as it is: `revoke` answers a boolean, the others a grant. */
function managerMethod(
  method: "reissueAccessToken" | "refresh" | "revoke",
  options: { token: EntryPoint["token"]; consumes?: boolean; stateless?: boolean },
): EntryPoint {
  return entryPoint({
    name: `TokenManager.${method}${method === "refresh" ? (options.stateless ? " (stateless)" : " (opaque)") : ""}`,
    harness: options.stateless ? { refreshTokenMode: "stateless" } : {},
    token: options.token,
    strings: false,
    verifies: true,
    consumes: options.consumes ?? false,
    variant: fc.constant(null),
    plain: null,
    deliver: (presented) => ({ input: presented, received: presented }),
    call: (h, { input }) => h.tokens[method](input),
    judge: (value) =>
      method !== "revoke" ? grantObservation(method, value) : value === true ? accepted(true) : value === false ? refused : malformed(method, value),
  });
}

export const ENTRY_POINTS: readonly EntryPoint[] = [
  verifyAccessTokenWith("HS256"),
  verifyAccessTokenWith("EdDSA"),
  verifyAccessTokenWith("ES256"),
  managerMethod("reissueAccessToken", { token: "accessToken" }),
  managerMethod("refresh", { token: "refreshToken", consumes: true }),
  managerMethod("refresh", { token: "refreshToken", stateless: true }),
  managerMethod("revoke", { token: "refreshToken", consumes: true }),
  entryPoint({
    name: "http.requireAuth",
    harness: {},
    token: "accessToken",
    strings: true,
    verifies: true,
    consumes: false,
    variant: fc.record({ authorization: authorizationVariant, checkSession: fc.boolean() }),
    plain: { authorization: PLAIN_AUTHORIZATION, checkSession: false },
    deliver: (presented, { authorization, checkSession }) => {
      const { source, header } = authorizationSource(presented as string, { ...authorization, via: "request" });
      return { input: { request: source, checkSession }, received: bearerCredentialOf(header) };
    },
    call: (h, { input }) => {
      const { request, checkSession } = input as { request: Request; checkSession: boolean };
      return requireAuth(request, h.tokens, { checkSession });
    },
    judge: (value) => {
      const result = value as AuthResult<Record<string, never>>;
      if (result?.ok === true) return accepted(result.claims);
      if (result?.ok !== false || !(result.response instanceof Response)) return malformed("requireAuth", value);
      if (!isTokenwiseError(result.error)) throw new Error("requireAuth failed with something other than a TokenwiseError", { cause: result.error });
      if (![400, 401, 403].includes(result.response.status)) throw new Error(`requireAuth answered ${result.error.code} with status ${result.response.status}`);
      return refused;
    },
  }),
  entryPoint({
    name: "http.parseBearerToken",
    harness: {},
    token: "accessToken",
    strings: true,
    verifies: false,
    consumes: false,
    variant: authorizationVariant,
    plain: PLAIN_AUTHORIZATION,
    deliver: (presented, variant: AuthorizationVariant) => {
      const { source, header } = authorizationSource(presented as string, variant);
      return { input: source, received: bearerCredentialOf(header), check: (value) => checkBearerResult(header, value) };
    },
    call: (_h, { input }) => parseBearerToken(input as Request),
    judge: extractorJudge,
  }),
  entryPoint({
    name: "http.readRefreshToken",
    harness: {},
    token: "refreshToken",
    strings: true,
    verifies: false,
    consumes: false,
    variant: refreshRequestVariant,
    plain: PLAIN_REFRESH_REQUEST,
    deliver: (presented, variant) => {
      const { request, texts } = refreshRequest(presented as string, variant);
      const options = { ...(variant.from === null ? {} : { from: variant.from }), ...(variant.maxBodyBytes === null ? {} : { maxBodyBytes: variant.maxBodyBytes }) };
      const received = isPlainRefreshRequest(variant) ? presented : undefined;
      return { input: { request, options }, received, check: extracted("readRefreshToken", texts, { nullable: false }) };
    },
    call: (_h, { input }) => {
      const { request, options } = input as { request: Request; options: object };
      return readRefreshToken(request, options);
    },
    judge: extractorJudge,
  }),
  entryPoint({
    name: "http.readCookie (refresh cookie)",
    harness: {},
    token: "refreshToken",
    strings: true,
    verifies: false,
    consumes: false,
    variant: cookieVariant,
    plain: PLAIN_COOKIES,
    deliver: (presented, variant) => {
      const { source, header } = cookieSource(presented as string, variant);
      const received = isPlainCookie(presented as string, variant) ? presented : undefined;
      return { input: source, received, check: extracted("readCookie", [header], { nullable: true }) };
    },
    call: (_h, { input }) => readCookie(input as Request, REFRESH_COOKIE),
    judge: extractorJudge,
  }),
];
