/**
 * tokenwise — issue and verify JWT access tokens and rotate refresh tokens safely, on Node,
 * Deno, Bun and edge runtimes.
 *
 * @example
 * ```ts
 * import { TokenManager, MemoryRefreshTokenStore, generateSigningKey } from "tokenwise";
 *
 * const tokens = new TokenManager({
 *   issuer: "https://api.example.com",
 *   audience: "api",
 *   signingKeys: [await generateSigningKey("EdDSA")],
 *   store: new MemoryRefreshTokenStore(),
 * });
 * ```
 *
 * @module
 */
export {
  ACCESS_TOKEN_TYPE,
  RESERVED_CLAIMS,
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type VerifiedAccessToken,
  type VerifyOptions,
} from "./access-tokens.js";
export { cryptoBackend, type CryptoBackendName } from "./crypto-backend.js";
export { parseDuration, type Duration } from "./duration.js";
export {
  CrossSiteRequestError,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidConfigError,
  InvalidRefreshTokenError,
  InvalidRequestError,
  InvalidTokenError,
  isTokenwiseError,
  KeySetUnavailableError,
  MissingTokenError,
  RefreshFailedError,
  RefreshTokenExpiredError,
  RefreshTokenReusedError,
  SessionRevokedError,
  StoreError,
  TokenExpiredError,
  TokenwiseError,
  UnsupportedOperationError,
  type RefreshFailure,
  type TokenwiseErrorCode,
  type TokenwiseErrorOptions,
} from "./errors.js";
export type {
  IssuedEvent,
  RefreshedEvent,
  ReuseDetectedEvent,
  RevocationReason,
  RevokedAllEvent,
  RevokedEvent,
  SessionEventBase,
  TokenEvent,
  TokenEventListener,
} from "./events.js";
export type { JsonMember, JsonMembers, JsonShape, JsonValue } from "./json.js";
export { exportSigningKey, importSigningKey, type ExportSigningKeyOptions, type ImportSigningKeyOptions } from "./key-storage.js";
export { MemoryRefreshTokenStore, type MemoryRefreshTokenStoreOptions } from "./memory-store.js";
export type { RefreshTokenMode, TokenManagerOptions } from "./options.js";
export { secureRandomBytes, type RandomBytes } from "./random.js";
export { RemoteJwks, type CachedJwks, type JwksCache, type JwksFetch, type RemoteJwksOptions } from "./remote-jwks.js";
export {
  generateRefreshToken,
  hashRefreshToken,
  isOpaqueRefreshToken,
  REFRESH_TOKEN_BYTES,
  type GeneratedRefreshToken,
} from "./refresh-tokens.js";
export {
  generateSigningKey,
  type AsymmetricAlgorithm,
  type AsymmetricSigningKey,
  type HmacAlgorithm,
  type HmacSigningKey,
  type Jwk,
  type KeyMaterial,
  type SigningAlgorithm,
  type SigningKey,
  type WebCryptoKey,
} from "./signing-keys.js";
export { REFRESH_TOKEN_TYPE } from "./stateless-refresh-tokens.js";
export {
  sessionBelongsTo,
  type CreateSessionOptions,
  type JsonObject,
  type RefreshTokenLookup,
  type RefreshTokenRecord,
  type RefreshTokenStore,
  type SessionBinding,
  type SessionRecord,
  type SpendTokenRequest,
} from "./store.js";
export {
  TokenManager,
  type AccessTokenGrant,
  type IssueOptions,
  type JsonWebKeySet,
  type TokenPair,
} from "./token-manager.js";
export { TokenVerifier, type SessionCheck, type TokenVerifierOptions, type VerifierKeys } from "./token-verifier.js";
export type { VerifiedTokenCacheOptions, VerifiedTokenCacheStats } from "./verified-token-cache.js";
