import { defineConfig } from "tsup";

/** One entry per subpath export; keep in sync with `exports` in package.json. */
const SUBPATHS = ["sql", "redis", "http", "client", "testing", "express", "fastify", "hono"] as const;

/**
 * The crypto backends, built beside the entries and left out of them: `#crypto-backend` stays an
 * import in the output, resolved by package.json `imports` where the package is loaded.
 */
const BACKENDS = { "lib/crypto/native": "src/lib/crypto/_native.ts", "lib/crypto/web": "src/lib/crypto/_web.ts" };

export default defineConfig([
  {
    entry: {
      index: "src/index.ts",
      ...Object.fromEntries(SUBPATHS.map((subpath) => [`${subpath}/index`, `src/${subpath}/index.ts`])),
      ...BACKENDS,
    },
    external: ["#crypto-backend"],
    format: ["esm", "cjs"],
    // Declarations come from tsc, one file per source file (scripts/build-types.mjs): a bundled
    // .d.ts would send go-to-definition into a hashed chunk of one-letter aliases.
    dts: false,
    sourcemap: true,
    // No `clean`: tsup builds the two configs at once, and this one's cleaning could delete the
    // CLI the other had already written. `npm run build` empties dist/ before tsup starts.
    target: "es2022",
    splitting: true,
    treeshake: true,
  },
  {
    // The `tokenwise` command (package.json `bin`): ESM only, for its top-level await.
    entry: { "cli/index": "src/cli/index.ts" },
    format: ["esm"],
    external: ["#crypto-backend"],
    dts: false,
    target: "es2022",
  },
]);
