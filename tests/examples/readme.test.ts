// The README's runnable blocks, run as pasted: each is found by the HTML comment above it
// (`<!-- quick-start:server -->`, …), written to .cache/readme/ inside the repository, so that
// `import "tokenwise"` resolves to the built package by its own name as it would in an app,
// type-checked in a Node-only project, then run with tsx against a real server on 127.0.0.1.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { runScript, ROOT } from "./run-example.js";

const run = promisify(execFile);
const FOLDER = join(ROOT, ".cache", "readme");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The fenced block right after `<!-- marker -->`. */
function block(marker: string): string {
  const found = new RegExp(`<!-- ${marker} -->\\n\`\`\`(?:ts|sh)\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(README);
  if (!found?.[1]) throw new Error(`README.md has no code block marked <!-- ${marker} -->`);
  return found[1];
}

/** Writes a script made of README blocks, in README order, and returns its path. */
function script(name: string, ...markers: string[]): string {
  const path = join(FOLDER, name);
  writeFileSync(path, `${markers.map(block).join("\n\n")}\n`);
  return path;
}

const scripts = {
  quickStart: () => script("quick-start.ts", "quick-start:server", "quick-start:round-trip"),
  client: () => script("client.ts", "quick-start:server", "client:node"),
  loadKey: () => script("load-key.ts", "keys:load"),
  devCookie: () => script("dev-cookie.ts", "cookies:local-development"),
};

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "index.js"))) throw new Error("run `npm run build` first: the README blocks import the built package");
  rmSync(FOLDER, { recursive: true, force: true });
  mkdirSync(FOLDER, { recursive: true });
});

describe("the README's code runs as pasted", () => {
  it("the quick start, the client block and the cookie advice type-check in a Node-only project (lib es2022, types node)", async () => {
    const files = Object.values(scripts).map((write) => write());
    const compilerOptions = { module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022"], types: ["node"], strict: true, noEmit: true };
    writeFileSync(join(FOLDER, "tsconfig.json"), JSON.stringify({ compilerOptions, files }));
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    await expect(run(process.execPath, [tsc, "-p", FOLDER], { cwd: ROOT }).then(() => "no type errors", (error: { stdout: string }) => error.stdout)).resolves.toBe("no type errors");
  }, 60_000);

  it("the quick start serves on 127.0.0.1, makes one login → API → refresh → logout round trip and exits by itself", async () => {
    const output = await runScript(scripts.quickStart(), { PORT: "0" });
    expect(output).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n/);
    expect(output).toContain("GET /api/me → 200 { user: 'user-1', roles: [ 'admin' ] }");
    expect(output).toContain("POST /auth/logout → 200");
    expect(output).toContain("POST /auth/refresh → 401");
  });

  it("the 10-line client, after the quick start's server, logs in, calls the API with its Bearer token and lets the process exit", async () => {
    const output = await runScript(scripts.client(), { PORT: "0" });
    expect(output).toContain("{ user: 'user-1', roles: [ 'admin' ] }");
    expect(output).not.toContain("session over");
  });

  it("the local-development cookie advice works as written: secure: false with an unprefixed name, read back by that name", async () => {
    expect(await runScript(scripts.devCookie())).toBe("refresh_token=rt-1; Max-Age=604800; Path=/auth; HttpOnly; SameSite=Strict\nrt-1\n");
  });

  it("a key generated once with `npx tokenwise keygen` and loaded on every start keeps its kid", async () => {
    // `npx tokenwise` would fetch the published package; this `npx` runs the built command instead.
    const shims = join(FOLDER, "bin");
    mkdirSync(shims, { recursive: true });
    writeFileSync(join(shims, "npx"), `#!/bin/sh\n[ "$1" = tokenwise ] || exit 127\nshift\nexec "${process.execPath}" "${join(ROOT, "dist", "cli", "index.js")}" "$@"\n`, { mode: 0o755 });
    await run("sh", ["-c", block("keys:generate")], { cwd: FOLDER, env: { ...process.env, PATH: `${shims}:${process.env.PATH}` } });
    expect(JSON.parse(readFileSync(join(FOLDER, "signing-key.json"), "utf8"))).toMatchObject({ kty: "OKP", alg: "EdDSA", kid: expect.any(String) });
    const path = scripts.loadKey();
    const [first, second] = [await runScript(path, {}, FOLDER), await runScript(path, {}, FOLDER)];
    expect(first).toMatch(/^kid [A-Za-z0-9_-]{43}\n$/);
    expect(second).toBe(first);
  });

  it("npm users reach the repository: package.json names it, and every README link into examples/ exists", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      repository: { type: "git", url: "git+https://github.com/tokenwise/tokenwise.git" },
      homepage: "https://github.com/tokenwise/tokenwise#readme",
      bugs: { url: "https://github.com/tokenwise/tokenwise/issues" },
    });
    const links = [...README.matchAll(/https:\/\/github\.com\/tokenwise\/tokenwise\/(?:tree|blob)\/main\/(examples[^)\s#]*)/g)].map((match) => match[1] as string);
    expect(links.length).toBeGreaterThan(8);
    for (const path of links) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });
});
