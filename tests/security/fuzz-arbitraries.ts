/**
 * Inputs an attacker controls: mutations of a valid token, and garbage. Mutations are plans
 * (positions, texts) applied to whatever token the harness issued, so fast-check shrinks and
 * prints the plan and a failure replays from the seed.
 */
import fc from "fast-check";

export const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const WHITESPACE = [" ", "\t", "\n", "\r", "\f", "\v", "\u00a0", "\u2028", "\u3000", "\ufeff", "\u200b"];
/** Characters that look like, or decode like, base64url to a lenient parser. */
const LOOKALIKES = ["+", "/", "=", ".", "%", "\\", "\0", "\u0410", "\u043e", "\uff45", "\uff21", "\u2010", "\uff3f"];

export const base64UrlChar: fc.Arbitrary<string> = fc.constantFrom(...BASE64URL_ALPHABET);
const whitespace = fc.constantFrom(...WHITESPACE);
const fragment = fc.oneof(
  fc.string({ unit: base64UrlChar, minLength: 1, maxLength: 4 }),
  fc.constantFrom(...WHITESPACE, ...LOOKALIKES, "==", "..", ".e30"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 4 }),
);
/** `arbitrary` once in `freq` draws, `null` otherwise (and `null` is where shrinking heads). */
export function occasionally<T>(arbitrary: fc.Arbitrary<T>, freq: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: freq - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** Reduced modulo the token's length when applied, so one plan fits any token. */
const position = fc.nat({ max: 4_096 });
const segment = fc.nat({ max: 3 });

/** One edit of a token. */
export type Mutation =
  | { op: "substitute"; at: number; text: string }
  | { op: "insert"; at: number; text: string }
  | { op: "delete"; at: number; count: number }
  | { op: "truncate"; keep: number }
  | { op: "swapSegments"; first: number; second: number }
  | { op: "duplicateSegment"; segment: number }
  | { op: "dropSegment"; segment: number }
  | { op: "pad"; segment: number; count: number }
  | { op: "whitespace"; where: "start" | "end" | "inside"; at: number; text: string }
  | { op: "changeCase"; at: number; count: number; to: "upper" | "lower" | "swap" }
  | { op: "alphabet"; segment: number | "all" }
  | { op: "append"; text: string }
  | { op: "prepend"; text: string }
  | { op: "unusedBits"; segment: number; bits: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("substitute" as const), at: position, text: fragment }),
  fc.record({ op: fc.constant("insert" as const), at: position, text: fragment }),
  fc.record({ op: fc.constant("delete" as const), at: position, count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant("truncate" as const), keep: position }),
  fc.record({ op: fc.constant("swapSegments" as const), first: segment, second: segment }),
  fc.record({ op: fc.constant("duplicateSegment" as const), segment }),
  fc.record({ op: fc.constant("dropSegment" as const), segment }),
  fc.record({ op: fc.constant("pad" as const), segment, count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("whitespace" as const), where: fc.constantFrom("start" as const, "end" as const, "inside" as const), at: position, text: whitespace }),
  fc.record({ op: fc.constant("changeCase" as const), at: position, count: fc.integer({ min: 1, max: 64 }), to: fc.constantFrom("upper" as const, "lower" as const, "swap" as const) }),
  fc.record({ op: fc.constant("alphabet" as const), segment: fc.oneof(segment, fc.constant("all" as const)) }),
  fc.record({ op: fc.constant("append" as const), text: fragment }),
  fc.record({ op: fc.constant("prepend" as const), text: fragment }),
  fc.record({ op: fc.constant("unusedBits" as const), segment, bits: fc.integer({ min: 1, max: 15 }) }),
);

export const mutations: fc.Arbitrary<Mutation[]> = fc.array(mutation, { minLength: 1, maxLength: 3 });

/** Applies the edits in order. */
export function applyMutations(token: string, edits: readonly Mutation[]): string {
  return edits.reduce(applyMutation, token);
}

function applyMutation(token: string, edit: Mutation): string {
  const length = token.length;
  const index = (at: number) => at % Math.max(1, length);
  const gap = (at: number) => at % (length + 1);
  switch (edit.op) {
    case "substitute":
      return token.slice(0, index(edit.at)) + edit.text + token.slice(index(edit.at) + 1);
    case "insert":
      return token.slice(0, gap(edit.at)) + edit.text + token.slice(gap(edit.at));
    case "delete":
      return token.slice(0, index(edit.at)) + token.slice(index(edit.at) + edit.count);
    case "truncate":
      return token.slice(0, index(edit.keep));
    case "whitespace":
      if (edit.where === "start") return edit.text + token;
      if (edit.where === "end") return token + edit.text;
      return token.slice(0, gap(edit.at)) + edit.text + token.slice(gap(edit.at));
    case "changeCase": {
      const start = index(edit.at);
      const part = token.slice(start, start + edit.count);
      return token.slice(0, start) + changeCase(part, edit.to) + token.slice(start + edit.count);
    }
    case "append":
      return token + edit.text;
    case "prepend":
      return edit.text + token;
    case "alphabet":
      return editSegments(token, edit.segment, (part) => part.replace(/-/g, "+").replace(/_/g, "/"));
    case "pad":
      return editSegments(token, edit.segment, (part) => part + "=".repeat(edit.count));
    case "unusedBits":
      return editSegments(token, edit.segment, (part) => flipUnusedBits(part, edit.bits));
    case "swapSegments": {
      const parts = token.split(".");
      const [first, second] = [edit.first % parts.length, edit.second % parts.length];
      [parts[first], parts[second]] = [parts[second] as string, parts[first] as string];
      return parts.join(".");
    }
    case "duplicateSegment": {
      const parts = token.split(".");
      const at = edit.segment % parts.length;
      parts.splice(at, 0, parts[at] as string);
      return parts.join(".");
    }
    case "dropSegment": {
      const parts = token.split(".");
      parts.splice(edit.segment % parts.length, 1);
      return parts.join(".");
    }
  }
}

function changeCase(text: string, to: "upper" | "lower" | "swap"): string {
  if (to === "upper") return text.toUpperCase();
  if (to === "lower") return text.toLowerCase();
  return [...text].map((char) => (char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase())).join("");
}

function editSegments(token: string, which: number | "all", edit: (part: string) => string): string {
  const parts = token.split(".");
  return parts.map((part, at) => (which === "all" || at === which % parts.length ? edit(part) : part)).join(".");
}

/**
 * Changes only the unused low bits of a base64url segment's last character (RFC 4648 §3.5):
 * a second spelling of the same bytes, which a lenient decoder accepts unnoticed.
 */
function flipUnusedBits(part: string, bits: number): string {
  const unused = part.length % 4 === 2 ? 0b1111 : part.length % 4 === 3 ? 0b11 : 0;
  const value = BASE64URL_ALPHABET.indexOf(part.charAt(part.length - 1));
  if (unused === 0 || value < 0 || (bits & unused) === 0) return part;
  return part.slice(0, -1) + BASE64URL_ALPHABET.charAt(value ^ (bits & unused));
}

/** A value a caller might present in place of a token. */
export type Presented =
  | { kind: "original" }
  | { kind: "mutated"; mutations: Mutation[] }
  /** The token's text in another type: a `String` object or its UTF-8 bytes. */
  | { kind: "wrapped"; as: "String" | "bytes" }
  | { kind: "garbage"; value: unknown };

/** The value `plan` stands for, given the harness's `original` token. */
export function resolvePresented(plan: Presented, original: string): unknown {
  switch (plan.kind) {
    case "original":
      return original;
    case "mutated":
      return applyMutations(original, plan.mutations);
    case "wrapped":
      return plan.as === "String" ? new String(original) : new TextEncoder().encode(original);
    case "garbage":
      return plan.value;
  }
}

const base64url = (text: string): string => Buffer.from(text, "utf8").toString("base64url");
const jsonSegment = fc.jsonValue({ maxDepth: 2 }).map((value) => base64url(JSON.stringify(value)));
/** Three base64url segments of arbitrary JSON: parses like a JWT, signed by nobody. */
const jwtShaped = fc.tuple(jsonSegment, jsonSegment, fc.string({ unit: base64UrlChar, maxLength: 90 })).map((parts) => parts.join("."));
/** Past the 16 KiB the verifier reads: must be refused cheaply. */
const oversized = fc
  .record({ length: fc.integer({ min: 16_000, max: 40_000 }), fill: fc.constantFrom("a", "A.", "=", "e30.") })
  .map(({ length, fill }) => fill.repeat(Math.ceil(length / fill.length)).slice(0, length));

export const garbageString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...BASE64URL_ALPHABET, ".", "=", "+", "/"), maxLength: 120 }),
  fc.string({ unit: base64UrlChar, minLength: 43, maxLength: 43 }),
  jwtShaped,
  oversized,
  fc.constantFrom("", " ", "null", "Bearer", "..", "e30.e30.", "eyJhbGciOiJub25lIn0.e30.", "eyJhbGciOiJub25lIn0.e30.e30"),
);

/** Values whose every use throws: an unwary `String(value)` or property read would leak that error. */
const hostileValues: unknown[] = [
  {
    toString() {
      throw new Error("hostile toString");
    },
  },
  Object.create(null),
  Symbol("token"),
  12345678901234567890n,
  () => "token",
  new Proxy(
    {},
    {
      // Symbol keys stay readable so that fast-check can still clone and print the value.
      get(_target, key) {
        if (typeof key === "string") throw new Error(`hostile proxy: read of ${key}`);
        return undefined;
      },
    },
  ),
];

const garbageValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: garbageString },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withDate: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...hostileValues) },
);

const wrapped = fc.constantFrom("String" as const, "bytes" as const).map((as): Presented => ({ kind: "wrapped", as }));

/**
 * Presented values: mostly mutations of the token, sometimes garbage, sometimes the token
 * itself. `strings` keeps to strings, for inputs that travel in HTTP requests.
 */
export function presentedArbitrary(options: { strings: boolean }): fc.Arbitrary<Presented> {
  const garbage = (options.strings ? garbageString : garbageValue).map((value): Presented => ({ kind: "garbage", value }));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Presented>({ kind: "original" }) },
    { weight: 6, arbitrary: mutations.map((edits): Presented => ({ kind: "mutated", mutations: edits })) },
    { weight: 3, arbitrary: garbage },
    ...(options.strings ? [] : [{ weight: 1, arbitrary: wrapped }]),
  );
}

/**
 * Single edits that keep the decoded bytes of a lenient base64url reader (padding, whitespace,
 * unused bits, the standard alphabet), aimed at the last segment (the signature of a JWT, the
 * whole of an opaque token): the edits most likely to slip through.
 */
const lenientRespelling: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("unusedBits" as const), segment: fc.constant(2), bits: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ op: fc.constant("pad" as const), segment: fc.constant(2), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("whitespace" as const), where: fc.constantFrom("end" as const, "inside" as const), at: position, text: whitespace }),
  fc.record({ op: fc.constant("alphabet" as const), segment: fc.constant(2) }),
);

/** The token in another spelling (or, unless `strings`, another type): what a verifier must refuse. */
export function respelledArbitrary(options: { strings: boolean }): fc.Arbitrary<Presented> {
  const respelled = fc
    .oneof({ weight: 2, arbitrary: mutations }, { weight: 1, arbitrary: lenientRespelling.map((edit) => [edit]) })
    .map((edits): Presented => ({ kind: "mutated", mutations: edits }));
  if (options.strings) return respelled;
  return fc.oneof({ weight: 12, arbitrary: respelled }, { weight: 1, arbitrary: wrapped });
}
