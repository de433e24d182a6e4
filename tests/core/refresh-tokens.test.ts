import { generateRefreshToken, hashRefreshToken, isOpaqueRefreshToken, REFRESH_TOKEN_BYTES } from "tokenwise";
import { describe, expect, it } from "vitest";
import { constantTimeEqual } from "../../src/lib/_bytes.js";
import { sealSuccessor, unsealSuccessor } from "../../src/refresh-tokens.js";

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

  it("round-trips with the predecessor and reveals neither token", () => {
    const predecessor = generateRefreshToken(random).token;
    const successor = generateRefreshToken(random).token;
    const sealed = sealSuccessor(predecessor, successor);
    expect(sealed).not.toBe(successor);
    expect(sealed).not.toContain(predecessor);
    expect(unsealSuccessor(predecessor, sealed)).toBe(successor);
  });

  it("yields a different token for anyone without the predecessor", () => {
    const predecessor = generateRefreshToken(random).token;
    const successor = generateRefreshToken(random).token;
    const sealed = sealSuccessor(predecessor, successor);
    expect(unsealSuccessor(generateRefreshToken(random).token, sealed)).not.toBe(successor);
    expect(unsealSuccessor(predecessor, "not-a-seal")).toBeNull();
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
