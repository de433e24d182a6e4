import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

/** `#crypto-backend` resolved to one backend's source, as package.json `imports` resolves it to the built one. */
const backend = (file: "_native" | "_web") => ({ find: /^#crypto-backend$/, replacement: source(`lib/crypto/${file}.ts`) });

export default defineConfig({
  resolve: {
    // Tests and examples import the package by name; resolve it to the sources.
    alias: [
      { find: /^tokenwise$/, replacement: source("index.ts") },
      { find: /^tokenwise\/(.+)$/, replacement: source("$1/index.ts") },
    ],
  },
  test: {
    testTimeout: 20_000,
    projects: [
      // Everything, on the backend Node loads: node:crypto.
      { extends: true, resolve: { alias: [backend("_native")] }, test: { name: "node:crypto", include: ["tests/**/*.test.ts"] } },
      // The suites that verify and sign, again on the backend edge runtimes and browsers load.
      {
        extends: true,
        resolve: { alias: [backend("_web")] },
        test: {
          name: "web-crypto",
          include: ["tests/security/**/*.test.ts", "tests/core/**/*.test.ts", "tests/verifier/**/*.test.ts"],
          // Compares both backends itself, whichever #crypto-backend resolves to.
          exclude: ["tests/security/backend-differential.test.ts"],
        },
      },
    ],
  },
});
