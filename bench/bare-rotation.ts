/**
 * What a refresh must do around its store, written with `node:crypto` alone: hash the presented
 * token, check what the store found, sign the access token, draw and hash the successor, seal it
 * under the presented token (a SHA-256 key derivation, XOR), and hand the spend to the store. The bare
 * baselines of the SQL and Redis rows (`bare-sql.ts`, `bare-redis.ts`) put their driver calls in.
 */
import { hash, randomBytes } from "node:crypto";

/** What a bare `findToken` reads of a token and its session. */
export interface FoundToken {
  sessionId: string;
  subject: string;
  /** The session's claims, parsed. */
  claims: object;
  tokenExpiresAt: number;
  spent: boolean;
  sessionExpiresAt: number;
  revoked: boolean;
}

/** What a bare spend writes: the presented token's hash, the successor's, and its seal. */
export interface BareSpend {
  hash: string;
  sessionId: string;
  at: number;
  successorHash: string;
  sealed: string;
  expiresAt: number;
}

/** The two store calls of a refresh, through a bare driver. */
export interface BareStoreCalls {
  find(hash: string): Promise<FoundToken | undefined>;
  /** @returns whether the token was spent and its successor stored */
  spend(spend: BareSpend): Promise<boolean>;
}

/** tokenwise's seal key: SHA-256(0x00000001 ‖ predecessor ‖ label), NIST SP 800-56C one-step derivation. */
const sealKey = (predecessor: string): Buffer => hash("sha256", `\u0000\u0000\u0000\u0001${predecessor}tokenwise/successor-seal/v2`, "buffer");
/** tokenwise's default `refreshTokenTtl`. */
const REFRESH_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;

/** SHA-256, lowercase hex: the hash stores keep. */
export const sha256Hex = (text: string): string => hash("sha256", text, "hex");

/**
 * A bare refresh: presents a refresh token, returns its successor.
 *
 * @param signAccessToken - signs the access token for a subject, session and claims
 * @throws Error when the token is unknown, spent or expired, or the spend did not happen
 */
export function bareRefresher(calls: BareStoreCalls, signAccessToken: (claims: object) => string): (presented: string) => Promise<string> {
  return async (presented) => {
    const hash = sha256Hex(presented);
    const found = await calls.find(hash);
    const at = Date.now();
    if (!found || found.spent || found.tokenExpiresAt <= at || found.revoked || found.sessionExpiresAt <= at) {
      throw new Error("bare refresh: the token is unknown, spent or expired");
    }
    signAccessToken(Object.assign({}, found.claims, { sub: found.subject, sid: found.sessionId }));
    const successor = randomBytes(32);
    const token = successor.toString("base64url");
    const seal = sealKey(presented);
    const sealed = Buffer.from(successor.map((byte, index) => byte ^ (seal[index] as number))).toString("base64url");
    const expiresAt = Math.min(at + REFRESH_TOKEN_TTL_MS, found.sessionExpiresAt);
    const spent = await calls.spend({ hash, sessionId: found.sessionId, at, successorHash: sha256Hex(token), sealed, expiresAt });
    if (!spent) throw new Error("bare refresh: the spend did not happen");
    return token;
  };
}
