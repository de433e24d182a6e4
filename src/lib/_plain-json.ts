/**
 * Plain JSON values: what claims and session metadata may hold. `JSON.stringify` accepts far
 * more (it calls `toJSON()`, drops functions and symbols, turns `NaN` into `null`) and `jose`
 * clones claims with `structuredClone`, which throws on functions; checking up front turns all of
 * that into one precise `invalid_argument`. Internal.
 */

/** Deeper nesting than this is refused: it bounds the walk and catches cycles early. */
const MAX_DEPTH = 64;

/**
 * Finds the first part of `value` that is not plain JSON: `null`, a boolean, a finite number,
 * a string, an array or a plain object (prototype `Object.prototype` or `null`) of those.
 *
 * @param value - the value to check
 * @param path - how to name `value` in the answer, e.g. `"claims"`
 * @returns `undefined` when everything is plain JSON, otherwise the path and what is wrong there
 */
export function findNonJson(value: unknown, path: string): string | undefined {
  return walk(value, path, 0);
}

function walk(value: unknown, path: string, depth: number): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} is ${value}, not a finite number`;
  if (typeof value !== "object") return `${path} is ${value === undefined ? "undefined" : `a ${typeof value}`}, not a JSON value`;
  if (depth >= MAX_DEPTH) return `${path} is nested more than ${MAX_DEPTH} levels deep`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = walk(value[index], `${path}[${index}]`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return `${path} is a ${value.constructor?.name ?? "non-plain"} object, not a plain object`;
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has a symbol key`;
  for (const [key, item] of Object.entries(value)) {
    const problem = walk(item, `${path}.${key}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
