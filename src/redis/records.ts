/**
 * Sessions and tokens as Redis hashes, and back. Internal.
 *
 * A record is a hash with one field per property: times as decimal milliseconds since the
 * epoch, claims and metadata as JSON text, and `null` as an absent field.
 */
import type { JsonObject, RefreshTokenRecord, SessionRecord } from "../store.js";

const decoder = new TextDecoder();

/** Field/value items as `HSET` takes them, leaving out `null`s. */
function pairsOf(fields: Record<string, string | number | null>): string[] {
  return Object.entries(fields).flatMap(([field, value]) => (value === null ? [] : [field, String(value)]));
}

/** A session as `HSET` field/value items (its id is in the key). */
export function sessionFields(session: SessionRecord): string[] {
  return pairsOf({
    subject: session.subject,
    claims: JSON.stringify(session.claims),
    metadata: JSON.stringify(session.metadata),
    createdAt: session.createdAt.getTime(),
    lastUsedAt: session.lastUsedAt.getTime(),
    expiresAt: session.expiresAt.getTime(),
    revokedAt: session.revokedAt?.getTime() ?? null,
    issuer: session.issuer,
    audience: session.audience,
  });
}

/** A token as `HSET` field/value items (its hash is in the key). */
export function tokenFields(token: RefreshTokenRecord): string[] {
  return pairsOf({
    sessionId: token.sessionId,
    issuedAt: token.issuedAt.getTime(),
    expiresAt: token.expiresAt.getTime(),
    spentAt: token.spentAt?.getTime() ?? null,
    successorHash: token.successorHash,
    sealedSuccessor: token.sealedSuccessor,
  });
}

/** A bulk string of a reply, whichever form the client gives it in. */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return decoder.decode(value);
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  throw new TypeError(`unexpected reply from Redis: ${typeof value} where a string belongs`);
}

/** A reply that must be an array. */
export function listOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`unexpected reply from Redis: ${value === null ? "null" : typeof value} where an array belongs`);
  return value;
}

/** Reads `HGETALL`-style field/value items. */
class Fields {
  readonly #values = new Map<string, string>();

  constructor(items: unknown[]) {
    for (let i = 0; i + 1 < items.length; i += 2) this.#values.set(textOf(items[i]), textOf(items[i + 1]));
  }

  text(field: string): string {
    const value = this.#values.get(field);
    if (value === undefined) throw new TypeError(`a stored record lacks its ${field} field`);
    return value;
  }

  nullableText(field: string): string | null {
    return this.#values.get(field) ?? null;
  }

  date(field: string): Date {
    return new Date(Number(this.text(field)));
  }

  nullableDate(field: string): Date | null {
    return this.#values.has(field) ? this.date(field) : null;
  }

  json(field: string): JsonObject {
    return JSON.parse(this.text(field)) as JsonObject;
  }
}

/** A session from a script's session reply: its id, then its field/value items. */
export function sessionFromReply(reply: unknown): SessionRecord {
  const [id, ...items] = listOf(reply);
  const fields = new Fields(items);
  return {
    id: textOf(id),
    subject: fields.text("subject"),
    claims: fields.json("claims"),
    metadata: fields.json("metadata"),
    createdAt: fields.date("createdAt"),
    lastUsedAt: fields.date("lastUsedAt"),
    expiresAt: fields.date("expiresAt"),
    revokedAt: fields.nullableDate("revokedAt"),
    issuer: fields.nullableText("issuer"),
    audience: fields.nullableText("audience"),
  };
}

/** A token from its hash and its field/value items. */
export function tokenFromReply(hash: string, reply: unknown): RefreshTokenRecord {
  const fields = new Fields(listOf(reply));
  return {
    hash,
    sessionId: fields.text("sessionId"),
    issuedAt: fields.date("issuedAt"),
    expiresAt: fields.date("expiresAt"),
    spentAt: fields.nullableDate("spentAt"),
    successorHash: fields.nullableText("successorHash"),
    sealedSuccessor: fields.nullableText("sealedSuccessor"),
  };
}
