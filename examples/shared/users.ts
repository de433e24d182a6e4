/**
 * The examples' user table: in memory, passwords hashed with scrypt (never stored plain) and
 * compared in constant time.
 */
import { scrypt } from "@noble/hashes/scrypt.js";
import { randomBytes } from "@noble/hashes/utils.js";

/** scrypt cost: N = 2^14 for the examples (interactive logins); raise it for production. */
const COST = { N: 2 ** 14, r: 8, p: 1, dkLen: 32 };

export interface User {
  id: string;
  /** Extra fields the app keeps: role, kind, email, … */
  profile: Record<string, string>;
  salt: Uint8Array;
  passwordHash: Uint8Array;
}

function hashPassword(password: string, salt: Uint8Array): Uint8Array {
  return scrypt(new TextEncoder().encode(password), salt, COST);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

export class UserDirectory {
  readonly #users = new Map<string, User>();

  /** Adds a user; false if the id is taken. */
  add(id: string, password: string, profile: Record<string, string> = {}): boolean {
    if (this.#users.has(id)) return false;
    const salt = randomBytes(16);
    this.#users.set(id, { id, profile, salt, passwordHash: hashPassword(password, salt) });
    return true;
  }

  /** The user if the password matches; the hash is computed even for unknown ids, so timing tells nothing. */
  authenticate(id: unknown, password: unknown): User | null {
    if (typeof id !== "string" || typeof password !== "string") return null;
    const user = this.#users.get(id);
    const candidate = hashPassword(password, user?.salt ?? new Uint8Array(16));
    return user && equalBytes(candidate, user.passwordHash) ? user : null;
  }
}
