import { TokenManager, type SigningKey } from "tokenwise";
import { requireAuth, tokenResponse } from "tokenwise/http";
import { describe, expect, it } from "vitest";
import { withUnusedBitsSet } from "../security/respellings.js";
import { AUDIENCE, createHarness, ISSUER, testKey } from "./fixtures.js";

/** The token with the unused bits of one segment's last character set: the same bytes, spelled otherwise. */
function withSegmentBitsSet(token: string, index: number): string {
  return token
    .split(".")
    .map((segment, at) => (at === index ? withUnusedBitsSet(segment) : segment))
    .join(".");
}

/** Other spellings of a legitimately issued token that a lenient decoder reads as the same token. */
function otherSpellings(token: string): Record<string, string> {
  const signatureAt = token.lastIndexOf(".") + 1;
  const inside = (text: string) => token.slice(0, signatureAt + 5) + text + token.slice(signatureAt + 5);
  const spellings: Record<string, string> = {
    "one = of padding": `${token}=`,
    "two = of padding": `${token}==`,
    "non-zero unused trailing bits": withSegmentBitsSet(token, 2),
    "a trailing space": `${token} `,
    "a trailing tab": `${token}\t`,
    "a trailing LF": `${token}\n`,
    "a trailing CRLF": `${token}\r\n`,
    "a leading space": ` ${token}`,
    "a space inside the signature": inside(" "),
    "a tab inside the signature": inside("\t"),
    "an LF inside the signature": inside("\n"),
    "a CRLF inside the signature": inside("\r\n"),
    "base64 + and / for - and _": token.replace(/-/g, "+").replace(/_/g, "/"),
  };
  // A token without - or _ has no standard-base64 twin: that spelling is the token itself.
  return Object.fromEntries(Object.entries(spellings).filter(([, spelling]) => spelling !== token));
}

const KEYS: [string, () => Promise<SigningKey>][] = [
  ["EdDSA (4 unused bits)", testKey],
  ["HS256 (2 unused bits)", async () => ({ alg: "HS256", secret: new Uint8Array(32).fill(7) })],
];

describe("only the canonical compact form of a token verifies (RFC 7515 §7.1)", () => {
  for (const [name, key] of KEYS) {
    it(`${name}: access tokens in any other spelling are invalid_token`, async () => {
      const { tokens } = await createHarness({ signingKeys: [await key()] });
      const { accessToken } = await tokens.issue({ subject: "u" });
      await expect(tokens.verifyAccessToken(accessToken)).resolves.toMatchObject({ sub: "u" });
      for (const [spelling, token] of Object.entries(otherSpellings(accessToken))) {
        const error = await tokens.verifyAccessToken(token).catch((caught: unknown) => caught);
        expect(error, spelling).toMatchObject({ code: "invalid_token", status: 401 });
      }
    });
  }

  it("checks every segment's trailing bits, not only the signature's", async () => {
    const { tokens } = await createHarness();
    const { accessToken } = await tokens.issue({ subject: "u" });
    // A segment whose length leaves no unused bits has no such spelling.
    const respelled = [withSegmentBitsSet(accessToken, 0), withSegmentBitsSet(accessToken, 1)].filter((mutated) => mutated !== accessToken);
    expect(respelled.length).toBeGreaterThan(0);
    for (const mutated of respelled) await expect(tokens.verifyAccessToken(mutated)).rejects.toMatchObject({ code: "invalid_token" });
  });

  it("requireAuth answers 401 to every other spelling", async () => {
    const { tokens } = await createHarness();
    const { accessToken } = await tokens.issue({ subject: "u" });
    // Headers cannot carry CR, LF or surrounding whitespace; the rest reach the verifier.
    const spellings = Object.entries(otherSpellings(accessToken)).filter(([, token]) => !/[\r\n]|^\s|\s$/.test(token));
    for (const [spelling, token] of spellings) {
      const auth = await requireAuth(new Request("http://api.test/", { headers: { authorization: `Bearer ${token}` } }), tokens);
      expect(auth.ok, spelling).toBe(false);
      if (!auth.ok) expect([400, 401], spelling).toContain(auth.response.status);
    }
  });

  it("stateless refresh tokens in any other spelling are refused, never handed back", async () => {
    const tokens = new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys: [await testKey()], refreshTokenMode: "stateless" });
    const pair = await tokens.issue({ subject: "u" });
    expect(tokenResponse(await tokens.refresh(pair.refreshToken)).status).toBe(200);
    for (const [spelling, token] of Object.entries(otherSpellings(pair.refreshToken))) {
      const error = await tokens.refresh(token).catch((caught: unknown) => caught);
      expect(error, spelling).toMatchObject({ code: "invalid_refresh_token", status: 401 });
    }
  });
});
