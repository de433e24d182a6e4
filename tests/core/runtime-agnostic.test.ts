import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SOURCE = join(import.meta.dirname, "../../src");
/** The one module that exists for Node: the crypto backend package.json `imports` selects under the `node` condition. */
const NATIVE_BACKEND = join(SOURCE, "lib/crypto/_native.ts");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith(".ts") ? [join(directory, entry.name)] : [],
  );
}

/** Lines outside comments: TSDoc examples may show how an app imports its driver. */
function codeLines(source: string): string[] {
  return source.split("\n").filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line));
}

describe("the library stays runtime-agnostic", () => {
  const importing = (pattern: RegExp): string[] =>
    sourceFiles(SOURCE).filter((file) => codeLines(readFileSync(file, "utf8")).some((line) => pattern.test(line)));

  it("no file under src/ imports a node: module or a database driver, but the native crypto backend node:crypto", () => {
    const forbidden = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](?:node:|pg["']|mysql2|better-sqlite3|bun:)/;
    expect(importing(forbidden)).toEqual([NATIVE_BACKEND]);
    expect(importing(/from\s+["']node:(?!crypto["'])/)).toEqual([]);
  });

  it("the native backend is reached only through #crypto-backend, never by its path", () => {
    expect(importing(/from\s+["'][^"']*crypto\/_native(?:\.js)?["']/)).toEqual([]);
  });
});
