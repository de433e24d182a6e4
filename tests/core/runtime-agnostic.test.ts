import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SOURCE = join(import.meta.dirname, "../../src");

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
  it("no file under src/ imports a node: module or a database driver", () => {
    const forbidden = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](?:node:|pg["']|mysql2|better-sqlite3|bun:)/;
    const offenders = sourceFiles(SOURCE).filter((file) =>
      codeLines(readFileSync(file, "utf8")).some((line) => forbidden.test(line)),
    );
    expect(offenders).toEqual([]);
  });
});
