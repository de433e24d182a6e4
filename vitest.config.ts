import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples import the package by name; resolve it to the sources.
    alias: [
      { find: /^tokenwise$/, replacement: source("index.ts") },
      { find: /^tokenwise\/(.+)$/, replacement: source("$1/index.ts") },
    ],
  },
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
