import { KeyObject } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from "jose";
import { generateSigningKey, TokenManager, type SigningAlgorithm, type SigningKey, type WebCryptoKey } from "tokenwise";
import { describe, expect, it, vi } from "vitest";
import { AUDIENCE, decodeJwt, errorCodeOf, ISSUER, TestClock } from "./fixtures.js";

function statelessManager(signingKeys: SigningKey[], clock = new TestClock()): TokenManager {
  return new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys, refreshTokenMode: "stateless", now: clock.now });
}

async function roundTrip(manager: TokenManager): Promise<string> {
  const { accessToken } = await manager.issue({ subject: "u" });
  await manager.verifyAccessToken(accessToken);
  return accessToken;
}

describe("every supported algorithm signs and verifies", () => {
  const algorithms: SigningAlgorithm[] = ["HS256", "HS384", "HS512", "ES256", "ES384", "EdDSA", "RS256", "PS256"];
  for (const alg of algorithms) {
    it(alg, async () => {
      const token = await roundTrip(statelessManager([await generateSigningKey(alg)]));
      expect(decodeJwt(token).header.alg).toBe(alg);
    });
  }
});

describe("key material is accepted in every documented form", () => {
  it("PEM (PKCS#8 private, SPKI public)", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const pem = await exportPKCS8(privateKey);
    await roundTrip(statelessManager([{ alg: "ES256", privateKey: pem }]));
    await roundTrip(statelessManager([{ alg: "ES256", privateKey: pem, publicKey: await exportSPKI(publicKey) }]));
  });

  it("JWK, and a non-extractable CryptoKey beside its public key", async () => {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
    await roundTrip(statelessManager([{ alg: "EdDSA", privateKey: await exportJWK(privateKey) }]));
    const locked = await generateKeyPair("EdDSA", { extractable: false });
    await roundTrip(statelessManager([{ alg: "EdDSA", privateKey: locked.privateKey, publicKey: locked.publicKey }]));
    await roundTrip(statelessManager([{ alg: "EdDSA", privateKey, publicKey }]));
  });

  it("signs and verifies without turning a non-extractable CryptoKey into a KeyObject (deprecated by Node, DEP0204)", async () => {
    const from = vi.spyOn(KeyObject, "from");
    const locked = await generateKeyPair("ES256", { extractable: false });
    await roundTrip(statelessManager([{ alg: "ES256", privateKey: locked.privateKey, publicKey: locked.publicKey }]));
    await roundTrip(statelessManager([{ alg: "HS256", secret: "a passphrase that is long enough!!" }]));
    await roundTrip(statelessManager([await generateSigningKey("RS256")]));
    for (const [key] of from.mock.calls) expect((key as CryptoKey).extractable).toBe(true);
    from.mockRestore();
  });

  it("raw bytes, a string, or an oct JWK for HMAC", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    await roundTrip(statelessManager([{ alg: "HS256", secret: bytes }]));
    await roundTrip(statelessManager([{ alg: "HS256", secret: "a passphrase that is long enough!!" }]));
    await roundTrip(statelessManager([{ alg: "HS256", secret: { kty: "oct", k: Buffer.from(bytes).toString("base64url") } }]));
    const cryptoKey = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
    await roundTrip(statelessManager([{ alg: "HS256", secret: cryptoKey }]));
  });
});

describe("keys are imported once, never per token", () => {
  for (const alg of ["HS256", "ES256", "EdDSA"] as const) {
    it(`${alg}: signing and verifying import no key`, async () => {
      const manager = statelessManager([await generateSigningKey(alg)]);
      await manager.ready();
      const importKey = vi.spyOn(crypto.subtle, "importKey");
      try {
        for (let i = 0; i < 5; i++) await roundTrip(manager);
        expect(importKey).not.toHaveBeenCalled();
      } finally {
        importKey.mockRestore();
      }
    });
  }
});

describe("kid", () => {
  it("defaults to the RFC 7638 thumbprint of the public key", async () => {
    const key = await generateSigningKey("ES256");
    const manager = statelessManager([key]);
    const token = await roundTrip(manager);
    const expected = await calculateJwkThumbprint(await exportJWK((key as { publicKey: WebCryptoKey }).publicKey as CryptoKey));
    expect(decodeJwt(token).header.kid).toBe(expected);
  });

  it("uses an explicit kid when given", async () => {
    const token = await roundTrip(statelessManager([await generateSigningKey("EdDSA", "2026-11")]));
    expect(decodeJwt(token).header.kid).toBe("2026-11");
  });
});

describe("key rotation: the first key signs, every key verifies", () => {
  it("keeps accepting tokens of the old key after a new one is put in front, and stops once it is removed", async () => {
    const clock = new TestClock();
    const oldKey = await generateSigningKey("EdDSA", "old");
    const newKey = await generateSigningKey("EdDSA", "new");
    const before = statelessManager([oldKey], clock);
    const during = statelessManager([newKey, oldKey], clock);
    const after = statelessManager([newKey], clock);

    const oldToken = (await before.issue({ subject: "u" })).accessToken;
    const newToken = (await during.issue({ subject: "u" })).accessToken;
    expect(decodeJwt(newToken).header.kid).toBe("new");
    await expect(during.verifyAccessToken(oldToken)).resolves.toMatchObject({ sub: "u" });
    await expect(after.verifyAccessToken(newToken)).resolves.toMatchObject({ sub: "u" });
    expect(await errorCodeOf(() => after.verifyAccessToken(oldToken))).toBe("invalid_token");
  });

  it("accepts a verify-only old key given as a public key", async () => {
    const clock = new TestClock();
    const old = await generateKeyPair("ES256", { extractable: true });
    const before = statelessManager([{ alg: "ES256", privateKey: old.privateKey, kid: "old" }], clock);
    const during = statelessManager([await generateSigningKey("EdDSA"), { alg: "ES256", publicKey: old.publicKey, kid: "old" }], clock);
    const token = (await before.issue({ subject: "u" })).accessToken;
    await expect(during.verifyAccessToken(token)).resolves.toMatchObject({ sub: "u" });
  });

  it("mixes algorithms without letting one key's algorithm stand in for another's", async () => {
    const clock = new TestClock();
    const hmac = await generateSigningKey("HS256", "h");
    const ec = await generateSigningKey("ES256", "e");
    const both = statelessManager([ec, hmac], clock);
    const hmacToken = (await statelessManager([hmac], clock).issue({ subject: "u" })).accessToken;
    await expect(both.verifyAccessToken(hmacToken)).resolves.toMatchObject({ sub: "u" });
    const [header, payload, signature] = hmacToken.split(".");
    const relabelled = Buffer.from(JSON.stringify({ ...decodeJwt(hmacToken).header, kid: "e" })).toString("base64url");
    expect(header).not.toBe(relabelled);
    expect(await errorCodeOf(() => both.verifyAccessToken(`${relabelled}.${payload}.${signature}`))).toBe("invalid_token");
  });
});

describe("jwks", () => {
  it("publishes the public parts of asymmetric keys only, with kid, alg and use", async () => {
    const manager = statelessManager([await generateSigningKey("EdDSA", "a"), await generateSigningKey("RS256", "b"), await generateSigningKey("HS256", "c")]);
    const { keys } = await manager.jwks();
    expect(keys.map((key) => [key.kid, key.alg, key.use])).toEqual([["a", "EdDSA", "sig"], ["b", "RS256", "sig"]]);
    for (const key of keys) for (const member of ["d", "p", "q", "dp", "dq", "qi", "k"]) expect(key).not.toHaveProperty(member);
  });
});

describe("weak or mismatched keys are refused with invalid_config naming the key", () => {
  async function configErrorOf(signingKeys: unknown): Promise<{ code: string; option: string }> {
    try {
      await statelessManager(signingKeys as SigningKey[]).ready();
    } catch (error) {
      return error as { code: string; option: string };
    }
    throw new Error("expected invalid_config");
  }

  it("HMAC secrets shorter than the hash (RFC 7518 §3.2)", async () => {
    expect(await configErrorOf([{ alg: "HS256", secret: "x".repeat(31) }])).toMatchObject({ code: "invalid_config", option: "signingKeys[0].secret" });
    expect(await configErrorOf([{ alg: "HS512", secret: new Uint8Array(32) }])).toMatchObject({ option: "signingKeys[0].secret" });
  });

  it("RSA keys under 2048 bits", async () => {
    const { privateKey } = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    expect(await configErrorOf([{ alg: "RS256", privateKey }])).toMatchObject({ code: "invalid_config", option: "signingKeys[0].privateKey" });
  });

  it("a key of the wrong type or curve for its algorithm", async () => {
    const p384 = await generateKeyPair("ES384", { extractable: true });
    const ed = await generateKeyPair("EdDSA", { extractable: true });
    expect(await configErrorOf([{ alg: "ES256", privateKey: p384.privateKey }])).toMatchObject({ code: "invalid_config" });
    expect(await configErrorOf([{ alg: "ES256", privateKey: await exportJWK(ed.privateKey) }])).toMatchObject({ code: "invalid_config" });
    expect(await configErrorOf([{ alg: "EdDSA", privateKey: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----" }])).toMatchObject({
      code: "invalid_config",
      option: "signingKeys[0].privateKey",
    });
  });

  it("alg none, unknown algorithms, an empty list, a verify-only first key, duplicate kids", async () => {
    const ed = await generateKeyPair("EdDSA", { extractable: true });
    const locked = await generateKeyPair("EdDSA", { extractable: false });
    expect(() => statelessManager([{ alg: "none", secret: "x" } as never])).toThrow(expect.objectContaining({ option: "signingKeys[0].alg" }));
    expect(() => statelessManager([{ alg: "HS1", secret: "x" } as never])).toThrow(expect.objectContaining({ code: "invalid_config" }));
    expect(() => statelessManager([])).toThrow(expect.objectContaining({ option: "signingKeys" }));
    expect(() => statelessManager([{ alg: "EdDSA", publicKey: ed.publicKey }])).toThrow(expect.objectContaining({ option: "signingKeys[0]" }));
    expect(() => statelessManager([{ alg: "HS256", secret: "x".repeat(32), kid: "a" }, { alg: "HS256", secret: "y".repeat(32), kid: "a" }])).toThrow(
      expect.objectContaining({ code: "invalid_config" }),
    );
    expect(await configErrorOf([{ alg: "EdDSA", privateKey: locked.privateKey }])).toMatchObject({ option: "signingKeys[0].privateKey" });
  });

  it("every call on a manager with an unimportable key fails with the same invalid_config", async () => {
    const manager = statelessManager([{ alg: "ES256", privateKey: "not a pem" }]);
    expect(await errorCodeOf(() => manager.issue({ subject: "u" }))).toBe("invalid_config");
    expect(await errorCodeOf(() => manager.verifyAccessToken("a.b.c"))).toBe("invalid_config");
  });
});
