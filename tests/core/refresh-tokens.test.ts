import { createHash, createHmac } from "node:crypto";
import { generateRefreshToken, hashRefreshToken, isOpaqueRefreshToken, REFRESH_TOKEN_BYTES } from "tokenwise";
import { describe, expect, it } from "vitest";
import { constantTimeEqual } from "../../src/lib/_bytes.js";
import { openSeal, sealSuccessor } from "../../src/refresh-tokens.js";

describe("hashRefreshToken is SHA-256 as lowercase hex", () => {
  // Known-answer vectors from FIPS 180-2 / RFC 6234 §8.5.
  it.each([
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
  ])("SHA-256(%j)", (input, digest) => {
    expect(hashRefreshToken(input)).toBe(digest);
  });
});

describe("generateRefreshToken", () => {
  it("draws 256 bits from the injected randomness and encodes them as 43 base64url characters", () => {
    const requested: number[] = [];
    const { token, hash } = generateRefreshToken((length) => {
      requested.push(length);
      return new Uint8Array(length).fill(0xfb);
    });
    expect(requested).toEqual([REFRESH_TOKEN_BYTES]);
    expect(REFRESH_TOKEN_BYTES).toBe(32);
    expect(token).toBe(Buffer.alloc(32, 0xfb).toString("base64url"));
    expect(hash).toBe(hashRefreshToken(token));
    expect(isOpaqueRefreshToken(token)).toBe(true);
  });

  it("never repeats with the platform CSPRNG", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateRefreshToken((n) => crypto.getRandomValues(new Uint8Array(n))).token));
    expect(tokens.size).toBe(1000);
  });
});

describe("isOpaqueRefreshToken", () => {
  it("accepts only 43-character base64url strings", () => {
    expect(isOpaqueRefreshToken("A".repeat(43))).toBe(true);
    for (const value of ["A".repeat(42), "A".repeat(44), `${"A".repeat(42)}=`, `${"A".repeat(42)}+`, 43, null, undefined]) {
      expect(isOpaqueRefreshToken(value)).toBe(false);
    }
  });
});

describe("the successor seal", () => {
  const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  const pair = () => ({ predecessor: generateRefreshToken(random).token, successor: generateRefreshToken(random).token });

  it("opens with the predecessor and reveals neither token", () => {
    const { predecessor, successor } = pair();
    const sealed = sealSuccessor(predecessor, successor);
    expect(sealed).not.toBe(successor);
    expect(sealed).not.toContain(predecessor);
    expect(openSeal(predecessor, sealed, hashRefreshToken(successor))).toBe(successor);
  });

  it("is the successor XOR SHA-256(0x00000001 ‖ predecessor ‖ label): NIST SP 800-56C one-step key derivation", () => {
    const { predecessor, successor } = pair();
    const key = createHash("sha256").update(Buffer.from([0, 0, 0, 1])).update(predecessor).update("tokenwise/successor-seal/v2").digest();
    const expected = Buffer.from(successor, "base64url").map((byte, index) => byte ^ (key[index] as number));
    expect(sealSuccessor(predecessor, successor)).toBe(Buffer.from(expected).toString("base64url"));
  });

  it("still opens the HMAC-keyed seals of tokenwise 0.1, stored before an upgrade", () => {
    const { predecessor, successor } = pair();
    const key = createHmac("sha256", predecessor).update("tokenwise/successor-seal/v1").digest();
    const sealedByV1 = Buffer.from(Buffer.from(successor, "base64url").map((byte, index) => byte ^ (key[index] as number))).toString("base64url");
    expect(openSeal(predecessor, sealedByV1, hashRefreshToken(successor))).toBe(successor);
  });

  it("opens to nothing for anyone without the predecessor, and for a malformed seal", () => {
    const { predecessor, successor } = pair();
    const sealed = sealSuccessor(predecessor, successor);
    expect(openSeal(generateRefreshToken(random).token, sealed, hashRefreshToken(successor))).toBeNull();
    expect(openSeal(predecessor, sealed, hashRefreshToken(generateRefreshToken(random).token))).toBeNull();
    expect(openSeal(predecessor, "not-a-seal", hashRefreshToken(successor))).toBeNull();
  });
});

describe("constantTimeEqual", () => {
  it("compares exactly, including case and length", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "ABC")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});
