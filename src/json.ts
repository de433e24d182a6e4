/**
 * JSON at the type level: what an app's claims may hold, checked by the compiler before the
 * runtime check (`invalid_argument`) ever sees them.
 *
 * @module
 */

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The JSON form of a claim set `T`: `T` itself when every property holds a JSON value, and a
 * type `T` cannot be assigned to otherwise. It is the constraint of every `Claims` type
 * parameter, written `Claims extends JsonShape<Claims>`, so both spellings of a claim set work:
 *
 * - a `type` alias or an `interface` (an interface has no index signature, which is why a
 *   constraint like `Record<string, JsonValue>` refuses it);
 * - nested objects, arrays, tuples, `readonly` members, optional members (an absent claim is
 *   simply not in the token).
 *
 * Refused at compile time: a member typed `Date`, `Map`, a class instance, a function, a
 * `bigint`, a `symbol`, or a required member whose type includes `undefined` — `JSON.stringify`
 * would turn them into strings, `{}` or nothing. A member typed `unknown` is accepted (its value
 * is checked when the token is issued).
 *
 * @typeParam T - the claim set to check
 *
 * @example
 * ```ts
 * import type { JsonShape } from "tokenwise";
 *
 * interface AppClaims { roles: string[]; org: { id: string } }
 * const ok: AppClaims extends JsonShape<AppClaims> ? true : false = true;
 * // { at: Date } extends JsonShape<{ at: Date }> is false: a Date is not JSON.
 * ```
 */
export type JsonShape<T> = object & JsonMembers<T>;

/**
 * `T` with each member replaced by its JSON form; a homomorphic mapped type, so arrays and
 * tuples stay arrays and tuples, and `readonly`/optional modifiers are kept.
 *
 * @typeParam T - an object or array type
 */
export type JsonMembers<T> = { [Key in keyof T]: JsonMember<T[Key]> };

/**
 * The JSON form of one member type: primitives as they are, objects and arrays member by
 * member, `never` for what JSON cannot hold (functions, `undefined`, `bigint`, `symbol`).
 * Distributes over unions, so `string | undefined` becomes `string`.
 *
 * @typeParam V - the member's type
 */
export type JsonMember<V> = unknown extends V
  ? V
  : V extends string | number | boolean | null
    ? V
    : V extends (...args: never[]) => unknown
      ? never
      : V extends object
        ? JsonMembers<V>
        : never;
