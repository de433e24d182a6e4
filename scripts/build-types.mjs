// Finishes the declaration files `tsc -p tsconfig.build.json` wrote into dist/, one per source
// file (dist/store.d.ts for src/store.ts), so a user's go-to-definition lands on the documented
// declaration rather than in a bundled chunk:
//   1. keeps only what the entry points reach through their imports, so internal modules no
//      public declaration mentions (lib/_timeout, redis/_lua, …) are not published;
//   2. writes each kept `.d.ts` again as a `.d.cts` twin whose relative specifiers end in `.cjs`,
//      which is what the `require` → `types` conditions in package.json point at.
//
// Run: npm run build (after tsup and tsc)
import { readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");

/** The `types` of every `import` condition in package.json: where the walk starts. */
function entryDeclarations() {
  const { exports } = JSON.parse(readFileSync(join(DIST, "..", "package.json"), "utf8"));
  return Object.values(exports)
    .filter((target) => typeof target === "object")
    .map((target) => posix.relative("dist", target.import.types));
}

/** Every `.d.ts` under dist/, as paths relative to it with `/` separators. */
function declarationFiles(folder = DIST) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith(".d.ts") ? [relative(DIST, path).split(sep).join("/")] : [];
  });
}

/** Removes the folders under dist/ that pruning left empty (a folder of internal modules only). */
function removeEmptyFolders(folder = DIST) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyFolders(join(folder, entry.name));
  }
  if (folder !== DIST && readdirSync(folder).length === 0) rmdirSync(folder);
}

/**
 * The module specifiers of a declaration file (`import`, `export … from`, `import("…")` types),
 * each with where its quoted literal starts and ends; specifiers inside TSDoc are not code.
 */
function specifiersOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    let literal;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal = node.moduleSpecifier;
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal = node.argument.literal;
    else if (ts.isExternalModuleReference(node)) literal = node.expression;
    if (literal && ts.isStringLiteral(literal)) found.push({ specifier: literal.text, start: literal.getStart(source), end: literal.getEnd() });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Walks the relative imports from the entry points; returns every declaration file reached. */
function reachableFrom(entries) {
  const reached = new Set();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    for (const { specifier } of specifiersOf(file, readFileSync(join(DIST, file), "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      if (!specifier.endsWith(".js")) throw new Error(`${file}: relative import "${specifier}" must end in .js`);
      pending.push(posix.join(posix.dirname(file), specifier.replace(/\.js$/, ".d.ts")));
    }
  }
  return reached;
}

/** The CommonJS twin of a declaration: relative `.js` specifiers become `.cjs`. */
function toCommonJs(file, text) {
  let result = "";
  let last = 0;
  for (const { specifier, start, end } of specifiersOf(file, text)) {
    if (!specifier.startsWith(".")) continue;
    result += text.slice(last, start) + JSON.stringify(specifier.replace(/\.js$/, ".cjs"));
    last = end;
  }
  return result + text.slice(last);
}

const entries = entryDeclarations();
const reached = reachableFrom(entries);
let removed = 0;
for (const file of declarationFiles()) {
  if (!reached.has(file)) {
    rmSync(join(DIST, file));
    removed += 1;
    continue;
  }
  writeFileSync(join(DIST, file.replace(/\.d\.ts$/, ".d.cts")), toCommonJs(file, readFileSync(join(DIST, file), "utf8")));
}
removeEmptyFolders();
console.log(`types: ${reached.size} declaration files, each as .d.ts and .d.cts, reached from ${entries.length} entry points; ${removed} internal ones left out`);
