// Checks the published declaration files as a user installs them: one per source file under its
// own name, so go-to-definition lands on the documented declaration, never in a bundled chunk of
// one-letter aliases (`token-manager-CDpxQDpI.d.ts`, `export { c as ACCESS_TOKEN_TYPE }`).
//
// Run by the runtime matrix: node declarations.mjs <path to tokenwise's src/>
// Prints "N passed, N failed"; exits 1 on failure.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { assert, check, finish } from "./report.mjs";

const PACKAGE = join("node_modules", "tokenwise");
const DIST = join(PACKAGE, "dist");
const SOURCE = process.argv[2];

/** Every declaration file under dist/, relative to it with `/` separators. */
function declarationFiles(folder = DIST) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return /\.d\.c?ts$/.test(entry.name) ? [relative(DIST, path).split(sep).join("/")] : [];
  });
}

/** A declaration's code without its comments, so TSDoc examples are not read as imports. */
const codeOf = (file) => readFileSync(join(DIST, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");

const files = declarationFiles();
const { exports } = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));

await check("every subpath's import and require types exist, as a .d.ts and its .d.cts twin", () => {
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target !== "object") continue;
    for (const types of [target.import.types, target.require.types]) assert(existsSync(join(PACKAGE, types)), `${subpath}: ${types} is missing`);
    assert(target.require.types === target.import.types.replace(/\.d\.ts$/, ".d.cts"), `${subpath}: require types ${target.require.types} is not the twin of ${target.import.types}`);
  }
});

await check("every declaration file is named after a source file (no hashed chunks)", () => {
  const chunks = files.filter((file) => /-[A-Za-z0-9_-]{8}\.d\.c?ts$/.test(file) && !existsSync(join(SOURCE, file.replace(/\.d\.c?ts$/, ".ts"))));
  assert(chunks.length === 0, `bundled chunks: ${chunks.join(", ")}`);
  const strays = files.filter((file) => !existsSync(join(SOURCE, file.replace(/\.d\.c?ts$/, ".ts"))));
  assert(strays.length === 0, `no source file for ${strays.join(", ")}`);
});

await check("every .d.ts has a .d.cts twin whose relative imports end in .cjs", () => {
  for (const file of files.filter((name) => name.endsWith(".d.ts"))) {
    const twin = file.replace(/\.d\.ts$/, ".d.cts");
    assert(files.includes(twin), `${file} has no ${twin}`);
  }
  for (const file of files) {
    const extension = file.endsWith(".d.cts") ? ".cjs" : ".js";
    for (const [, specifier] of codeOf(file).matchAll(/(?:from\s*|import\s*\(\s*)["'](\.[^"']*)["']/g)) {
      assert(specifier.endsWith(extension), `${file} imports "${specifier}", expected a ${extension} specifier`);
    }
  }
});

await check("no import or export renames a one- or two-letter alias", () => {
  for (const file of files) {
    for (const [, list] of codeOf(file).matchAll(/(?:import|export)\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const specifier of list.split(",")) {
        const rename = /^(?:type\s+)?([\w$]+)\s+as\s+([\w$]+)$/.exec(specifier.trim());
        assert(!rename || rename[1].length > 2, `${file}: "${specifier.trim()}"`);
      }
    }
  }
});

await check("store.d.ts and store.d.cts declare RefreshTokenStore with the TSDoc of src/store.ts, and the root entry re-exports it", () => {
  const documented = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*export interface RefreshTokenStore\b/;
  const tsdoc = documented.exec(readFileSync(join(SOURCE, "store.ts"), "utf8"))?.[1];
  assert(tsdoc, "src/store.ts: no documented RefreshTokenStore to compare with");
  for (const file of ["store.d.ts", "store.d.cts"]) {
    const declared = documented.exec(readFileSync(join(DIST, file), "utf8"))?.[1];
    assert(declared === tsdoc, `${file}: ${declared ? "its TSDoc differs from the source's" : 'no documented "export interface RefreshTokenStore"'}`);
  }
  assert(/\bRefreshTokenStore\b[^;]*from "\.\/store\.js"/.test(codeOf("index.d.ts")), 'index.d.ts does not re-export RefreshTokenStore from "./store.js"');
  assert(/\bRefreshTokenStore\b[^;]*from "\.\/store\.cjs"/.test(codeOf("index.d.cts")), 'index.d.cts does not re-export RefreshTokenStore from "./store.cjs"');
});

finish();
