/**
 * One token, one spelling: a genuine token respelled (padding, unused bits, whitespace, another
 * alphabet, extra or empty segments) is refused, whatever the algorithm, wherever it is
 * presented. And a token too long to be ours is refused before any cryptography.
 */
import { requireAuth } from "tokenwise/http";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ACCESS_TOKEN,
  knownKey,
  MANAGER_ALGORITHMS,
  managerHolding,
  refusal,
  TOKEN_KINDS,
  tokenSignedBy,
  type TokenKind,
} from "./craft.js";
import { HTTP_RESPELLINGS, RESPELLINGS, withUnusedBitsSet } from "./respellings.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * A genuine pair every respelling applies to: payloads whose length leaves unused bits (the
 * subject's length tunes it) and signatures containing `-` or `_` (for the standard alphabet).
 */
async function pairToRespell(alg: string): Promise<Record<string, string>> {
  const { tokens } = await managerHolding(knownKey(alg));
  for (let attempt = 0; attempt < 100; attempt++) {
    const pair = await tokens.issue({ subject: "u".repeat(1 + (attempt % 4)) });
    const spellable = [pair.accessToken, pair.refreshToken].every((token) => {
      const [, payload = "", signature = ""] = token.split(".");
      return payload.length % 4 !== 0 && /[-_]/.test(signature);
    });
    if (spellable) return Object.fromEntries(TOKEN_KINDS.map((kind) => [kind.name, kind.typ === ACCESS_TOKEN.typ ? pair.accessToken : pair.refreshToken]));
  }
  throw new Error("no pair with unused payload bits and - or _ in both signatures in 100 tries");
}

describe.each(MANAGER_ALGORITHMS)("%s tokens in any spelling but the canonical one are refused (RFC 7515 §7.1)", (alg) => {
  let genuine: Record<string, string> = {};
  beforeAll(async () => {
    genuine = await pairToRespell(alg);
  });
  const present = async (kind: TokenKind, token: string) => kind.present((await managerHolding(knownKey(alg))).tokens, token);

  describe.each(TOKEN_KINDS)("as a $name", (kind) => {
    it("(the canonical spelling is accepted)", async () => {
      await expect(present(kind, genuine[kind.name] ?? "")).resolves.toBeDefined();
    });

    it.for(RESPELLINGS)("with $name", async ({ respell }, { skip }) => {
      const token = genuine[kind.name] ?? "";
      const respelled = respell(token);
      if (respelled === token) skip(`does not apply to a ${alg} ${kind.name}`);
      await expect(present(kind, respelled)).rejects.toMatchObject(refusal(kind));
    });
  });

  it.for(HTTP_RESPELLINGS)("requireAuth answers 400 or 401, never ok, to an access token with $name", async ({ respell }, { skip }) => {
    const token = genuine[ACCESS_TOKEN.name] ?? "";
    const respelled = respell(token);
    if (respelled === token) skip(`does not apply to a ${alg} access token`);
    const request = new Request("http://api.test/me", { headers: { authorization: `Bearer ${respelled}` } });
    expect(request.headers.get("authorization"), "the header carries the respelling unaltered").toBe(`Bearer ${respelled}`);
    const auth = await requireAuth(request, (await managerHolding(knownKey(alg))).tokens);
    expect(auth.ok).toBe(false);
    if (!auth.ok) expect([400, 401]).toContain(auth.response.status);
  });
});

describe("respelling in practice", () => {
  it("setting the unused bits of the signature's last character keeps the decoded bytes (so only the spelling differs)", async () => {
    const { tokens } = await managerHolding(knownKey("EdDSA"));
    const signature = (await tokens.issue({ subject: "u" })).accessToken.split(".")[2] ?? "";
    expect(withUnusedBitsSet(signature)).not.toBe(signature);
    expect(Buffer.from(withUnusedBitsSet(signature), "base64url")).toEqual(Buffer.from(signature, "base64url"));
  });

  it('a stateless refresh token with a trailing "\\n" is refused, never handed back altered', async () => {
    const { tokens } = await managerHolding(knownKey("HS256"));
    const { refreshToken } = await tokens.issue({ subject: "u" });
    await expect(tokens.refresh(`${refreshToken}\n`)).rejects.toMatchObject({ code: "invalid_refresh_token", status: 401 });
    await expect(tokens.refresh(refreshToken)).resolves.toMatchObject({ refreshToken });
  });
});

describe("tokens longer than 16384 characters are refused before any cryptography", () => {
  const MAX_LENGTH = 16_384;
  const key = knownKey("HS256");

  /** The longest genuinely signed token of at most `MAX_LENGTH` characters, and the next one up. */
  function tokensAroundTheLimit(kind: TokenKind, clock: Parameters<typeof tokenSignedBy>[2]): { within: string; over: string } {
    const sized = (fillerLength: number) => tokenSignedBy(kind, key, clock, { claims: { filler: "f".repeat(fillerLength) } });
    let length = Math.floor(((MAX_LENGTH - sized(0).length) * 3) / 4);
    while (sized(length + 1).length <= MAX_LENGTH) length++;
    while (sized(length).length > MAX_LENGTH) length--;
    return { within: sized(length), over: sized(length + 1) };
  }

  it.each(TOKEN_KINDS)("a genuinely signed $name one character over the limit is refused without a signature check; one within it is accepted", async (kind) => {
    const { tokens, clock } = await managerHolding(key);
    const { within, over } = tokensAroundTheLimit(kind, clock);
    expect(within.length).toBeLessThanOrEqual(MAX_LENGTH);
    expect(over.length).toBeGreaterThan(MAX_LENGTH);
    await expect(kind.present(tokens, within)).resolves.toBeDefined();

    // Refused by the length check, which comes before parsing and every backend's cryptography.
    await expect(kind.present(tokens, over)).rejects.toMatchObject({ ...refusal(kind), message: expect.stringContaining(`token longer than ${MAX_LENGTH} characters`) });
  });

  it.each(TOKEN_KINDS)("a 10 MB $name is refused in well under 100 ms", async (kind) => {
    const { tokens } = await managerHolding(key);
    const huge = `${"e".repeat(10_000_000)}.e30.AAAA`;
    await kind.present(tokens, huge).catch(() => undefined);
    const started = performance.now();
    await expect(kind.present(tokens, huge)).rejects.toMatchObject(refusal(kind));
    expect(performance.now() - started).toBeLessThan(100);
  });
});
