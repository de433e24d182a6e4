/**
 * The two builds of tokenwise the benchmark compares. Native: the package as Node loads it
 * (`dist/`, `#crypto-backend` resolved by the `node` condition to `node:crypto`). Web: the same
 * `dist/index.js` bundled by esbuild for the browser platform, so that `#crypto-backend` resolves
 * by the `default` condition to the Web Crypto backend — the bundle an edge runtime or a browser
 * gets — written to `.cache/bench/` and imported into this same process. Each module's
 * `cryptoBackend` export is checked against what the variant claims to be.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import * as native from "tokenwise";

/** The tokenwise module, either build. */
export type Tokenwise = typeof native;

/** A build of tokenwise and its name in the output. */
export interface TokenwiseBuild {
  /** "native" or "web". */
  label: string;
  module: Tokenwise;
  /** Where the module came from. */
  source: string;
}

const root = new URL("../", import.meta.url);

function checkedBuild(label: string, module: Tokenwise, expected: string, source: string): TokenwiseBuild {
  if (module.cryptoBackend !== expected) throw new Error(`the ${label} build of tokenwise loaded ${module.cryptoBackend}, not ${expected}`);
  return { label, module, source };
}

/** Bundles `dist/index.js` with the `default` condition and imports it. */
async function importWebBuild(): Promise<Tokenwise> {
  const directory = fileURLToPath(new URL(".cache/bench/", root));
  mkdirSync(directory, { recursive: true });
  const outfile = `${directory}tokenwise-web.js`;
  await build({
    entryPoints: [fileURLToPath(new URL("dist/index.js", root))],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile,
    logLevel: "error",
  });
  return (await import(pathToFileURL(outfile).href)) as Tokenwise;
}

/**
 * Loads both builds and proves each is the backend it claims: `cryptoBackend` must be
 * `"node:crypto"` for the native one and `"web-crypto"` for the web one.
 *
 * @returns the native build, then the web build
 * @throws Error when `dist/` is missing (run `npm run build`) or a build loaded the other backend
 */
export async function loadBuilds(): Promise<[TokenwiseBuild, TokenwiseBuild]> {
  return [
    checkedBuild("native", native, "node:crypto", "dist/index.js (node condition)"),
    checkedBuild("web", await importWebBuild(), "web-crypto", ".cache/bench/tokenwise-web.js (default condition)"),
  ];
}
