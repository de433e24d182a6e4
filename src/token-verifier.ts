/**
 * Verifying access tokens in a service that did not issue them: the same checks as
 * `TokenManager.verifyAccessToken`, with no private key and no store.
 *
 * @module
 */
import { verifyAccessTokenJwt, type AccessTokenVerifier, type VerifiedAccessToken, type VerifyOptions } from "./access-tokens.js";
import { parseDuration, type Duration } from "./duration.js";
import { InvalidConfigError, InvalidTokenError, StoreError, UnsupportedOperationError, isTokenwiseError } from "./errors.js";
import { requireActiveSession } from "./lib/_active-session.js";
import { fromBase64Url } from "./lib/_bytes.js";
import { importJwkSet, JWK_SET_ALGORITHMS } from "./lib/_jwk-set.js";
import { importSigningKeys } from "./lib/_key-import.js";
import { staticKeySource, type KeySource } from "./lib/_key-source.js";
import { MAX_JWT_LENGTH, type VerifyContext } from "./lib/_jwt.js";
import { callStore } from "./lib/_store-call.js";
import { cacheSizeOf, sumStats, VerifiedTokenCache } from "./lib/_verified-token-cache.js";
import { sessionOrNull } from "./lib/_store-results.js";
import { RemoteJwks } from "./remote-jwks.js";
import { checkKeyList, type SigningKey } from "./signing-keys.js";
import type { JsonShape } from "./json.js";
import { sessionBelongsTo, type JsonObject, type RefreshTokenStore } from "./store.js";
import type { JsonWebKeySet } from "./token-manager.js";
import type { VerifiedTokenCacheOptions, VerifiedTokenCacheStats } from "./verified-token-cache.js";

/**
 * Where a verifier finds an issuer's keys: a JWKS URL (a string or `URL`: a {@link RemoteJwks}
 * with the defaults), a configured {@link RemoteJwks}, a JWK Set object, or a list of keys as
 * `TokenManager` takes them (public keys, or the shared HMAC secret; private parts are not needed).
 */
export type VerifierKeys = string | URL | RemoteJwks | JsonWebKeySet | readonly SigningKey[];

/**
 * How `verifyAccessToken(token, { checkSession: true })` checks that the token's session is
 * still on: the auth server's store (read-only: one `findSession`), or a callback of the app's —
 * e.g. a call to the auth server — that returns `false` for an ended session.
 */
export type SessionCheck<Claims extends JsonShape<Claims>> =
  | RefreshTokenStore
  | ((claims: VerifiedAccessToken<Claims>) => boolean | Promise<boolean>);

/** Options of {@link TokenVerifier}. */
export interface TokenVerifierOptions<Claims extends JsonShape<Claims> = JsonObject> {
  /** The one issuer whose tokens are accepted (`iss`). Give it, or `issuers`. */
  issuer?: string;
  /**
   * The issuer's keys. @default the JWKS at `<issuer>/.well-known/jwks.json`, where the issuer is
   * an `https:` URL (`http:` on a loopback host)
   */
  keys?: VerifierKeys;
  /** Several accepted issuers, each with its keys, for services that take tokens of more than one auth server. */
  issuers?: Readonly<Record<string, VerifierKeys>>;
  /** The `aud` a token must carry: this service. */
  audience: string;
  /** Leeway for `exp`, `nbf` and `iat` checks. @default 5 */
  clockTolerance?: Duration;
  /** Refuse tokens whose lifetime (`exp - iat`) exceeds this. @default no bound */
  maxTokenLifetime?: Duration;
  /** How `checkSession` checks a session; see {@link SessionCheck}. @default none: `checkSession` throws `unsupported_operation` */
  checkSession?: SessionCheck<Claims>;
  /** Longest wait for one `checkSession` call; then `store_error`. `false` waits for ever. @default "5s" */
  storeTimeout?: Duration | false;
  /**
   * Keeps access tokens that verified, so that the same token presented again skips parsing and
   * the signature check: a bounded LRU per issuer, keyed by the whole token string, emptied when
   * the issuer's key set changes (a JWKS refetch that brings other keys) and bypassed while a
   * fetched set is past its freshness. Every hit still checks `exp`, `nbf` and `iat` against the
   * clock, and `checkSession` still asks. The claims returned are then frozen (they are shared
   * between hits). `false` turns it off.
   * @default { maxEntries: 1000 }
   */
  verifiedTokenCache?: VerifiedTokenCacheOptions | false;
  /** The clock. @default () => new Date() */
  now?: () => Date;
}

/**
 * Verifies access tokens issued by a tokenwise `TokenManager` — in another service, a worker, an
 * edge function — with exactly the checks of `TokenManager.verifyAccessToken` (one shared code
 * path): canonical compact form, `kid` naming a key of an allowed algorithm, the signature,
 * `typ: "at+jwt"`, `iss`, `aud`, `exp`/`nbf`/`iat`, `sub`, `sid`, `jti`. The algorithm comes
 * from the key, never from the token.
 *
 * @typeParam Claims - the app's own claims, returned typed
 *
 * @example
 * ```ts
 * import { TokenVerifier } from "tokenwise";
 *
 * // Keys from https://auth.example.com/.well-known/jwks.json, cached and refetched on rotation.
 * const verifier = new TokenVerifier<{ roles: string[] }>({ issuer: "https://auth.example.com", audience: "orders-api" });
 * const claims = await verifier.verifyAccessToken(bearerToken); // claims.roles: string[]
 * ```
 */
export class TokenVerifier<Claims extends JsonShape<Claims> = JsonObject> implements AccessTokenVerifier<Claims> {
  readonly #contexts: ReadonlyMap<string, Promise<VerifyContext>>;
  /** The contexts whose keys are imported: verification then awaits nothing it need not. */
  readonly #imported = new Map<string, VerifyContext>();
  readonly #caches: readonly (VerifiedTokenCache | null)[];
  readonly #checkSession: SessionCheck<Claims> | null;
  readonly #storeTimeoutSeconds: number | null;
  readonly #audience: string;
  readonly #now: () => Date;

  /**
   * @param options - see {@link TokenVerifierOptions}
   * @throws {InvalidConfigError} `invalid_config` naming the bad option. Key material only an
   *   import can check is reported by `ready()` and by the first call.
   */
  constructor(options: TokenVerifierOptions<Claims>) {
    if (typeof options !== "object" || options === null) throw new InvalidConfigError("options", "expected an options object");
    if (typeof options.audience !== "string" || options.audience.length === 0) throw new InvalidConfigError("audience", "expected a non-empty string");
    if (options.now !== undefined && typeof options.now !== "function") throw new InvalidConfigError("now", "expected a function");
    this.#audience = options.audience;
    this.#now = options.now ?? (() => new Date());
    this.#checkSession = checkSessionOption(options.checkSession);
    this.#storeTimeoutSeconds = options.storeTimeout === false ? null : parseDuration(options.storeTimeout ?? "5s", "storeTimeout");
    const clockToleranceSeconds = parseDuration(options.clockTolerance ?? 5, "clockTolerance", { allowZero: true });
    const maxTokenLifetimeSeconds = options.maxTokenLifetime === undefined ? null : parseDuration(options.maxTokenLifetime, "maxTokenLifetime");
    const cacheSize = cacheSizeOf(options.verifiedTokenCache);
    const contexts = new Map<string, Promise<VerifyContext>>();
    const caches: (VerifiedTokenCache | null)[] = [];
    for (const [issuer, keys, option] of issuersOf(options)) {
      const cache = cacheSize === null ? null : new VerifiedTokenCache(cacheSize);
      caches.push(cache);
      const source = keySourceOf(keys ?? defaultJwksUrl(issuer, option), option, this.#now).then((source) => {
        const context: VerifyContext = {
          issuer,
          audience: this.#audience,
          keys: source,
          clockToleranceSeconds,
          maxTokenLifetimeSeconds,
          now: this.#now,
          accessTokenCache: cache,
        };
        this.#imported.set(issuer, context);
        return context;
      });
      // Import failures are reported by ready() and every call; keep them from being "unhandled" meanwhile.
      source.catch(() => undefined);
      contexts.set(issuer, source);
    }
    this.#contexts = contexts;
    this.#caches = caches;
  }

  /**
   * Resolves once every configured key is imported (a JWKS URL is not fetched: that happens on the
   * first token). Await it at start-up to fail fast on a bad key.
   *
   * @throws {InvalidConfigError} `invalid_config` naming the key that cannot be imported
   */
  async ready(): Promise<void> {
    await Promise.all(this.#contexts.values());
  }

  /**
   * Verifies an access token and returns its claims.
   *
   * @param token - the JWT from `Authorization: Bearer …`; any value is accepted and checked
   * @param options - `checkSession` to also reject tokens of ended sessions (needs the `checkSession` option)
   * @returns the registered claims and the app's claims
   * @throws {TokenExpiredError} `token_expired`
   * @throws {InvalidTokenError} `invalid_token`: malformed, bad signature, wrong `typ`/`iss`/`aud`, unknown `kid`
   * @throws {SessionRevokedError} `session_revoked` with `checkSession` when the session has ended
   * @throws {KeySetUnavailableError} `key_set_unavailable` (503) when a JWKS cannot be fetched and no earlier set may stand in
   * @throws {StoreError} `store_error` (503) when the session check fails or times out
   * @throws {UnsupportedOperationError} `unsupported_operation` for `checkSession` without the option
   */
  async verifyAccessToken(token: unknown, options?: VerifyOptions): Promise<VerifiedAccessToken<Claims>> {
    const found = this.#contextFor(token);
    const verified = verifyAccessTokenJwt<Claims>(found instanceof Promise ? await found : found, token);
    const claims = verified instanceof Promise ? await verified : verified;
    if (options?.checkSession) await this.#requireActiveSession(claims);
    return claims;
  }

  /**
   * What the verified-token cache did so far, summed over the issuers (all zero with
   * `verifiedTokenCache: false`).
   *
   * @returns hits, misses, entries kept, and the most kept per issuer
   *
   * @example
   * ```ts
   * import { TokenVerifier } from "tokenwise";
   *
   * const verifier = new TokenVerifier({ issuer: "https://auth.example.com", audience: "orders-api" });
   * const { hits, misses, entries } = verifier.cacheStats();
   * ```
   */
  cacheStats(): VerifiedTokenCacheStats {
    return sumStats(this.#caches);
  }

  /**
   * The context of the token's issuer. With several issuers the unverified `iss` only picks
   * which issuer's keys and checks apply; verification then requires exactly that `iss`.
   */
  #contextFor(token: unknown): VerifyContext | Promise<VerifyContext> {
    const first = this.#contexts.keys().next().value as string;
    const issuer = this.#contexts.size === 1 ? first : (unverifiedIssuer(token) ?? first);
    const context = this.#imported.get(issuer) ?? this.#contexts.get(issuer);
    if (!context) throw new InvalidTokenError(`Invalid access token: issuer ${JSON.stringify(issuer.slice(0, 200))} is not accepted`, { claim: "iss" });
    return context;
  }

  async #requireActiveSession(claims: VerifiedAccessToken<Claims>): Promise<void> {
    const check = this.#checkSession;
    if (check === null) throw new UnsupportedOperationError("checkSession needs the verifier's checkSession option: a store or a callback");
    if (typeof check === "function") {
      if (!(await runSessionCallback(() => check(claims)))) requireActiveSession(null, claims.sub, this.#now());
      return;
    }
    const binding = { issuer: claims.iss, audience: this.#audience };
    const session = await callStore(check, "findSession", sessionOrNull, (store) => store.findSession(claims.sid), this.#storeTimeoutSeconds);
    requireActiveSession(session && sessionBelongsTo(session, binding) ? session : null, claims.sub, this.#now());
  }
}

/** `[issuer, keys, option name]` of each configured issuer. */
function issuersOf<Claims extends JsonShape<Claims>>(options: TokenVerifierOptions<Claims>): [string, VerifierKeys | undefined, string][] {
  const { issuer, issuers, keys } = options;
  if ((issuer === undefined) === (issuers === undefined)) throw new InvalidConfigError("issuer", "give either issuer (with keys) or issuers");
  if (issuer !== undefined) {
    if (typeof issuer !== "string" || issuer.length === 0) throw new InvalidConfigError("issuer", "expected a non-empty string");
    return [[issuer, keys, "keys"]];
  }
  if (keys !== undefined) throw new InvalidConfigError("keys", "is unused with issuers: give each issuer its keys there");
  const entries = typeof issuers === "object" && issuers !== null ? Object.entries(issuers) : [];
  if (entries.length === 0) throw new InvalidConfigError("issuers", "expected an object mapping each issuer to its keys");
  return entries.map(([name, value]) => [name, value, `issuers[${JSON.stringify(name)}]`]);
}

/** `<issuer>/.well-known/jwks.json`, where `jwksResponse()` of `tokenwise/http` is meant to be served. */
function defaultJwksUrl(issuer: string, option: string): string {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`;
  if (!URL.canParse(url)) throw new InvalidConfigError(option, `is required: the issuer ${JSON.stringify(issuer)} is not a URL to find its JWK Set at`);
  return url;
}

/**
 * Turns configured keys into a key source; the value decides, there is no mode. Whatever needs
 * no import is checked at once (thrown from the constructor); imports settle later.
 */
function keySourceOf(keys: VerifierKeys | undefined, option: string, now: () => Date): Promise<KeySource> {
  if (keys instanceof RemoteJwks) return Promise.resolve(keys);
  if (typeof keys === "string" || keys instanceof URL) return Promise.resolve(new RemoteJwks(keys, { now }));
  if (Array.isArray(keys)) {
    checkKeyList(keys, option);
    return importSigningKeys(keys, option).then((imported) => staticKeySource(imported));
  }
  if (typeof keys === "object" && keys !== null) return jwkSetSource(keys as JsonWebKeySet, option);
  throw new InvalidConfigError(option, "expected a JWKS URL, a RemoteJwks, a JWK Set or a list of keys");
}

/** A configured JWK Set must be usable whole: a key it cannot use is a configuration error, not a skip. */
async function jwkSetSource(jwks: JsonWebKeySet, option: string): Promise<KeySource> {
  let imported;
  try {
    imported = await importJwkSet(jwks, JWK_SET_ALGORITHMS);
  } catch (error) {
    throw new InvalidConfigError(option, (error as Error).message, { cause: error });
  }
  if (imported.refused.length > 0) throw new InvalidConfigError(option, `cannot use ${imported.refused.join("; ")}`);
  if (imported.keys.length === 0) throw new InvalidConfigError(option, "the JWK Set holds no key");
  return staticKeySource(imported.keys);
}

function checkSessionOption<Claims extends JsonShape<Claims>>(check: SessionCheck<Claims> | undefined): SessionCheck<Claims> | null {
  if (check === undefined) return null;
  if (typeof check === "function") return check;
  if (typeof check === "object" && check !== null && typeof check.findSession === "function") return check;
  throw new InvalidConfigError("checkSession", "expected a RefreshTokenStore or a function of the claims");
}

/** The app's session callback, whose failure is an unavailable session service (503), as a store's would be. */
async function runSessionCallback(check: () => boolean | Promise<boolean>): Promise<boolean> {
  let answer: unknown;
  try {
    answer = await check();
  } catch (error) {
    if (isTokenwiseError(error)) throw error;
    throw new StoreError(`checkSession() failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof answer !== "boolean") throw new StoreError(`checkSession() must return true or false; got ${typeof answer}`);
  return answer;
}

/** The `iss` a token claims, read without verifying it — only to pick whose keys verify it. */
function unverifiedIssuer(token: unknown): string | undefined {
  if (typeof token !== "string" || token.length > MAX_JWT_LENGTH) return undefined;
  const bytes = fromBase64Url(token.split(".")[1] ?? "");
  if (!bytes) return undefined;
  try {
    const issuer = (JSON.parse(new TextDecoder().decode(bytes)) as { iss?: unknown } | null)?.iss;
    return typeof issuer === "string" ? issuer : undefined;
  } catch {
    return undefined;
  }
}
