/**
 * Lifetimes in options: a whole number of seconds, or a short string such as `"15m"`.
 *
 * @module
 */
import { InvalidConfigError } from "./errors.js";

/** A lifetime: whole seconds, or a positive whole number with a unit: `"30s"`, `"15m"`, `"24h"`, `"7d"`. */
export type Duration = number | `${number}${"s" | "m" | "h" | "d"}`;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Converts a {@link Duration} to seconds, rejecting anything that is not a positive whole
 * amount (or zero, where `allowZero` says so).
 *
 * @param value - the duration as configured
 * @param option - option name, for the error message
 * @param allowZero - whether `0` is meaningful for this option
 * @returns whole seconds
 * @throws {InvalidConfigError} `invalid_config` naming `option` when the value is unusable
 *
 * @example
 * ```ts
 * import { parseDuration } from "tokenwise";
 *
 * parseDuration("15m", "accessTokenTtl"); // 900
 * ```
 */
export function parseDuration(value: unknown, option: string, { allowZero = false }: { allowZero?: boolean } = {}): number {
  const seconds = toSeconds(value);
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds < 0 || (seconds === 0 && !allowZero)) {
    throw new InvalidConfigError(
      option,
      `expected ${allowZero ? "zero or " : ""}a positive whole number of seconds or a string like "30s", "15m", "24h", "7d"; got ${describe(value)}`,
    );
  }
  return seconds;
}

function toSeconds(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const match = /^(\d{1,9})([smhd])$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
}
