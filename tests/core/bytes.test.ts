import fc from "fast-check";
import { secureRandomBytes } from "tokenwise";
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url, toHex } from "../../src/lib/_bytes.js";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe("toBase64Url is RFC 4648 §5 base64url without padding", () => {
  // The test vectors of RFC 4648 §10, in the URL-safe alphabet and unpadded.
  it.each([
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg"],
    ["fooba", "Zm9vYmE"],
    ["foobar", "Zm9vYmFy"],
  ])("BASE64URL(%j) = %j", (input, encoded) => {
    expect(toBase64Url(text(input))).toBe(encoded);
  });

  it("uses - and _ for the last two digits", () => {
    expect(toBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("-_-_");
  });

  it("agrees with Buffer on any bytes, and round-trips through fromBase64Url", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = toBase64Url(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString("base64url"));
        expect(fromBase64Url(encoded)).toEqual(bytes);
      }),
    );
  });

  it("encodes inputs longer than one chunk of char codes", () => {
    const bytes = secureRandomBytes(40_000);
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
  });
});

describe("toHex is lowercase hex", () => {
  it("agrees with Buffer on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString("hex"));
      }),
    );
  });

  it("encodes inputs longer than one chunk of char codes", () => {
    const bytes = secureRandomBytes(10_000);
    expect(toHex(bytes)).toBe(Buffer.from(bytes).toString("hex"));
  });
});

describe("secureRandomBytes", () => {
  it("returns exactly the bytes asked for, each array the caller's own", () => {
    const drawn = Array.from({ length: 500 }, (_, index) => secureRandomBytes(index % 70));
    drawn.forEach((bytes, index) => expect(bytes.length).toBe(index % 70));
    drawn[1]?.fill(7);
    expect(new Set(drawn.filter((bytes) => bytes.length >= 16).map((bytes) => toHex(bytes))).size).toBe(drawn.filter((bytes) => bytes.length >= 16).length);
  });

  it("never hands out the same bytes twice, across many refills of its pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(toHex(secureRandomBytes(32)));
    expect(seen.size).toBe(5_000);
  });

  it("serves large requests whole, up to getRandomValues' limit of 65,536 bytes", () => {
    const bytes = secureRandomBytes(65_536);
    expect(bytes.length).toBe(65_536);
    expect(new Set(bytes).size).toBeGreaterThan(200);
    expect(() => secureRandomBytes(65_537)).toThrow();
  });

  it("refuses what getRandomValues refuses instead of returning a short array", () => {
    expect(() => secureRandomBytes(-1)).toThrow(RangeError);
  });
});

describe("fromBase64Url", () => {
  it.each(["Zg=", "Zm9v+", "Zm9v/", "Zm9v ", "Zm9vé", "A"])("refuses %j: padding, the standard alphabet, other characters, an impossible length", (text) => {
    expect(fromBase64Url(text)).toBeNull();
  });

  it("ignores the bits after the last whole byte, as atob does", () => {
    expect(fromBase64Url("Zh")).toEqual(text("f"));
  });
});
