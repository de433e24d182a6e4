/**
 * Two managers sharing one store — two services, or a web and a mobile API — must not accept,
 * spend or revoke each other's tokens: a token of A presented to B is unknown to B, and A's
 * session is exactly as it was.
 */
import type { TokenManagerOptions } from "tokenwise";
import { describe, expect, it } from "vitest";
import { createHarness } from "../core/fixtures.js";
import { knownKey } from "./craft.js";

/** How manager B differs from manager A. */
const OTHER_MANAGERS: { name: string; options: Partial<TokenManagerOptions> }[] = [
  {
    name: "another issuer, audience and key",
    options: { issuer: "https://other.example.test", audience: "billing", signingKeys: [knownKey("ES256").signingKey] },
  },
  { name: "another issuer only", options: { issuer: "https://other.example.test" } },
  { name: "another audience only", options: { audience: "billing" } },
];

/** Manager A, manager B over A's store, and a session of A. */
async function twoManagersSharingAStore(options: Partial<TokenManagerOptions>) {
  const a = await createHarness();
  const b = await createHarness({ store: a.store, ...options });
  const pair = await a.tokens.issue({ subject: "u" });
  return { a: a.tokens, b: b.tokens, pair };
}

describe.each(OTHER_MANAGERS)("a manager B with $name, sharing A's store (cross-JWT confusion, RFC 8725 §2.8)", ({ options }) => {
  it("refuses A's refresh token as invalid_refresh_token, and A can still refresh it (nothing was spent)", async () => {
    const { a, b, pair } = await twoManagersSharingAStore(options);
    await expect(b.refresh(pair.refreshToken)).rejects.toMatchObject({ code: "invalid_refresh_token", status: 401 });
    await expect(a.refresh(pair.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
  });

  it("cannot revoke A's session with A's refresh token: revoke returns false and A's session stays active", async () => {
    const { a, b, pair } = await twoManagersSharingAStore(options);
    expect(await b.revoke(pair.refreshToken)).toBe(false);
    expect((await a.listSessions("u")).map((session) => session.id)).toEqual([pair.sessionId]);
    await expect(a.verifyAccessToken(pair.accessToken, { checkSession: true })).resolves.toMatchObject({ sid: pair.sessionId });
  });

  it("refuses A's access token as invalid_token: verified, verified with checkSession, or reissued", async () => {
    const { b, pair } = await twoManagersSharingAStore(options);
    for (const present of [
      () => b.verifyAccessToken(pair.accessToken),
      () => b.verifyAccessToken(pair.accessToken, { checkSession: true }),
      () => b.reissueAccessToken(pair.accessToken),
    ]) {
      await expect(present()).rejects.toMatchObject({ code: "invalid_token", status: 401 });
    }
  });
});
