import { describe, expect, it } from "vitest";
import { createHarness } from "./fixtures.js";

/** The rejection of `action`: its code and message. */
async function failureOf(action: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await action().then(
    () => expect.fail("expected the call to fail"),
    (reason: unknown) => reason as { code: string; message: string },
  );
  return { code: error.code, message: error.message };
}

describe("a missing token is reported as missing, not malformed, under the same code", () => {
  it("verifyAccessToken of undefined, null or an empty string says the access token is missing (invalid_token)", async () => {
    const { tokens } = await createHarness();
    for (const absent of [undefined, null, ""]) {
      expect(await failureOf(() => tokens.verifyAccessToken(absent))).toEqual({ code: "invalid_token", message: "The access token is missing" });
    }
    expect((await failureOf(() => tokens.verifyAccessToken("x"))).message).not.toMatch(/missing/);
  });

  it("refresh and revoke of an absent refresh token say it is missing; a garbled one is still malformed", async () => {
    const { tokens } = await createHarness();
    for (const absent of [undefined, null, ""]) {
      expect(await failureOf(() => tokens.refresh(absent))).toEqual({ code: "invalid_refresh_token", message: "The refresh token is missing" });
      expect(await failureOf(() => tokens.revoke(absent))).toEqual({ code: "invalid_refresh_token", message: "The refresh token is missing" });
    }
    expect(await failureOf(() => tokens.refresh("not-a-token"))).toEqual({ code: "invalid_refresh_token", message: "The refresh token is malformed" });
  });

  it("a stateless manager's refresh of an absent token says it is missing", async () => {
    const { tokens } = await createHarness({ refreshTokenMode: "stateless" });
    for (const absent of [undefined, null, ""]) {
      expect(await failureOf(() => tokens.refresh(absent))).toEqual({ code: "invalid_refresh_token", message: "The refresh token is missing" });
    }
    expect((await failureOf(() => tokens.refresh("a.b.c"))).message).toMatch(/^Invalid refresh token: /);
  });
});
