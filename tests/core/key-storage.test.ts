/**
 * Keys survive restarts: exported once to text, imported on every start, they sign tokens the
 * earlier instance's verifier accepts, under the same kid. And `tokenwise keygen` prints such a key.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  exportSigningKey,
  generateSigningKey,
  importSigningKey,
  TokenManager,
  TokenVerifier,
  type SigningAlgorithm,
  type SigningKey,
} from "tokenwise";
import { runCommand } from "../../src/cli/keygen.js";
import { AUDIENCE, ISSUER } from "./fixtures.js";

const ALGORITHMS: SigningAlgorithm[] = ["EdDSA", "ES256", "ES384", "RS256", "PS256", "HS256", "HS384", "HS512"];

const manager = (key: SigningKey): TokenManager => new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [key], refreshTokenMode: "stateless" });

/** What a restarted instance sees: tokens of the original verify, under the same kid. */
async function expectSameKey(original: SigningKey, restored: SigningKey): Promise<void> {
  const before = manager(original);
  const after = manager(restored);
  expect((await after.jwks()).keys.map((jwk) => jwk.kid)).toEqual((await before.jwks()).keys.map((jwk) => jwk.kid));
  const { accessToken } = await after.issue({ subject: "user-1" });
  await expect(before.verifyAccessToken(accessToken)).resolves.toMatchObject({ sub: "user-1" });
}

describe("exportSigningKey and importSigningKey", () => {
  it.each(ALGORITHMS)("a %s key exported as a JWK and imported back signs under the same kid", async (alg) => {
    const original = await generateSigningKey(alg);
    const stored = await exportSigningKey(original);
    expect(JSON.parse(stored)).toMatchObject({ alg, kid: expect.any(String) });
    await expectSameKey(original, importSigningKey(`\n${stored}\n`));
  });

  it.each(ALGORITHMS.filter((alg) => !alg.startsWith("HS")))("a %s key exported as PEM and imported with its alg signs under the same kid", async (alg) => {
    const original = await generateSigningKey(alg, "stored-key");
    const pem = await exportSigningKey(original, { format: "pem" });
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    await expectSameKey(original, importSigningKey(pem, { alg, kid: "stored-key" }));
  });

  it("a key from text verifies at a TokenVerifier given the exported public JWK Set", async () => {
    const restored = importSigningKey(await exportSigningKey(await generateSigningKey("EdDSA", "k")));
    const tokens = manager(restored);
    const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: await tokens.jwks() });
    await expect(verifier.verifyAccessToken((await tokens.issue({ subject: "u" })).accessToken)).resolves.toMatchObject({ sub: "u" });
  });

  it.each([
    { name: "empty text", text: "", options: {} },
    { name: "text that is neither JSON nor PEM", text: "hunter2", options: {} },
    { name: "broken JSON", text: "{ not json", options: {} },
    { name: "a public JWK", text: JSON.stringify({ kty: "OKP", crv: "Ed25519", x: "AAAA", alg: "EdDSA" }), options: {} },
    { name: "a JWK whose alg differs from the one asked for", text: JSON.stringify({ kty: "OKP", crv: "Ed25519", x: "A", d: "A", alg: "EdDSA" }), options: { alg: "ES256" as const } },
    { name: "a JWK naming no alg", text: JSON.stringify({ kty: "OKP", crv: "Ed25519", x: "A", d: "A" }), options: {} },
    { name: "PEM without an alg", text: "-----BEGIN PRIVATE KEY-----\nMC4=\n-----END PRIVATE KEY-----", options: {} },
    { name: "a public PEM", text: "-----BEGIN PUBLIC KEY-----\nMC4=\n-----END PUBLIC KEY-----", options: { alg: "EdDSA" as const } },
  ])("importSigningKey refuses $name with invalid_config", ({ text, options }) => {
    expect(() => importSigningKey(text, options)).toThrow(expect.objectContaining({ code: "invalid_config", option: "key" }));
  });

  it("exportSigningKey refuses a public key, PEM of an HMAC secret and a non-extractable key", async () => {
    const jwk = (await manager(await generateSigningKey("EdDSA")).jwks()).keys[0];
    await expect(exportSigningKey({ alg: "EdDSA", publicKey: jwk as never })).rejects.toMatchObject({ code: "invalid_argument" });
    await expect(exportSigningKey(await generateSigningKey("HS256"), { format: "pem" })).rejects.toMatchObject({ code: "invalid_argument", argument: "format" });
    const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
    await expect(exportSigningKey({ alg: "EdDSA", privateKey: pair.privateKey, publicKey: pair.publicKey })).rejects.toMatchObject({ code: "invalid_argument", argument: "key" });
  });
});

describe("tokenwise keygen", () => {
  it.each(ALGORITHMS)("--alg %s prints a key importSigningKey reads", async (alg) => {
    const result = await runCommand(["keygen", "--alg", alg, "--kid", "from-cli"]);
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    const key = importSigningKey(result.stdout);
    expect(key).toMatchObject({ alg, kid: "from-cli" });
    await expect(manager(key).ready()).resolves.toBeUndefined();
  });

  it("--format pem prints PKCS#8", async () => {
    const result = await runCommand(["keygen", "--alg", "ES256", "--format", "pem"]);
    expect(result.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
  });

  it.each([[[]], [["rotate"]], [["keygen", "--alg", "none"]], [["keygen", "--alg"]], [["keygen", "--bits", "4096"]], [["keygen", "--format", "der"]]])("%j is a usage error: exit code 2 and the usage on stderr", async (args) => {
    const result = await runCommand(args);
    expect(result).toMatchObject({ exitCode: 2, stdout: "" });
    expect(result.stderr).toContain("Usage: tokenwise keygen");
  });

  it("the built command runs as `tokenwise keygen` and exits 0", async () => {
    const bin = join(import.meta.dirname, "../../dist/cli/index.js");
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "keygen", "--alg", "EdDSA"]);
    expect(importSigningKey(stdout)).toMatchObject({ alg: "EdDSA", kid: expect.any(String) });
  });
});
