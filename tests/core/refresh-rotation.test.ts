import { hashRefreshToken } from "tokenwise";
import { describe, expect, it } from "vitest";
import { createHarness, decodeJwt, errorCodeOf } from "./fixtures.js";

describe("login creates a session", () => {
  it("returns an opaque 256-bit refresh token whose only stored form is its SHA-256 hash", async () => {
    const { tokens, store } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    expect(pair.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const found = await store.findToken(hashRefreshToken(pair.refreshToken));
    expect(found?.session).toMatchObject({ id: pair.sessionId, subject: "u", revokedAt: null });
    expect(JSON.stringify(found)).not.toContain(pair.refreshToken);
  });

  it("gives the refresh token a 7-day idle lifetime and the session a 30-day maximum age by default", async () => {
    const { tokens, clock, store } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    expect(pair.refreshTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 7 * 86_400_000);
    expect(pair.refreshTokenExpiresIn).toBe(7 * 86_400);
    const session = await store.findSession(pair.sessionId);
    expect(session?.expiresAt.getTime()).toBe(clock.now().getTime() + 30 * 86_400_000);
  });

  it("keeps metadata with the session and lists it", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u", metadata: { device: "phone" } });
    const sessions = await tokens.listSessions("u");
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ id: pair.sessionId, subject: "u", metadata: { device: "phone" } });
    expect(sessions[0]?.createdAt).toBeInstanceOf(Date);
    expect(sessions[0]?.lastUsedAt).toBeInstanceOf(Date);
    expect(sessions[0]?.expiresAt).toBeInstanceOf(Date);
  });
});

describe("refresh rotates the refresh token (RFC 9700 §4.14)", () => {
  it("spends the presented token and issues a successor in the same session", async () => {
    const { tokens, store, clock } = await createHarness();
    const pair = await tokens.issue({ subject: "u", claims: { role: "staff" } });
    clock.advance(60);
    const next = await tokens.refresh(pair.refreshToken);

    expect(next.refreshToken).not.toBe(pair.refreshToken);
    expect(next.sessionId).toBe(pair.sessionId);
    expect(next.subject).toBe("u");
    const spent = await store.findToken(hashRefreshToken(pair.refreshToken));
    expect(spent?.token.spentAt).toEqual(clock.now());
    expect(spent?.token.successorHash).toBe(hashRefreshToken(next.refreshToken));
    expect(spent?.token.sealedSuccessor).not.toContain(next.refreshToken);
    expect(spent?.session.lastUsedAt).toEqual(clock.now());
    const claims = await tokens.verifyAccessToken(next.accessToken);
    expect(claims).toMatchObject({ sub: "u", role: "staff", sid: pair.sessionId });
  });

  it("slides the idle lifetime but never past the session's maximum age", async () => {
    const { tokens, clock } = await createHarness({ refreshTokenTtl: "7d", sessionMaxAge: "10d" });
    const start = clock.now().getTime();
    let pair = await tokens.issue({ subject: "u" });
    clock.advance(6 * 86_400);
    pair = await tokens.refresh(pair.refreshToken);
    expect(pair.refreshTokenExpiresAt.getTime()).toBe(start + 10 * 86_400_000);
    expect(pair.refreshTokenExpiresIn).toBe(4 * 86_400);
    clock.advance(4 * 86_400);
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("refresh_token_expired");
  });

  it("refuses a token that was not used within its idle lifetime", async () => {
    const { tokens, clock } = await createHarness({ refreshTokenTtl: "1h" });
    const pair = await tokens.issue({ subject: "u" });
    clock.advance(3600);
    await expect(tokens.refresh(pair.refreshToken)).rejects.toMatchObject({ code: "refresh_token_expired", status: 401 });
  });

  it("answers an unknown or malformed token with invalid_refresh_token and changes nothing", async () => {
    const { tokens, events } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const unknown = "A".repeat(43);
    for (const value of [unknown, undefined, null, 42, "", "short", "x".repeat(1_000_000), pair.accessToken, { token: 1 }]) {
      await expect(tokens.refresh(value)).rejects.toMatchObject({ code: "invalid_refresh_token", status: 401 });
    }
    expect(events.map((event) => event.type)).toEqual(["issued"]);
    await expect(tokens.refresh(pair.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
  });
});

describe("reuse detection", () => {
  it("revokes the whole session when a spent token comes back after the grace window", async () => {
    const { tokens, clock, events } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const next = await tokens.refresh(pair.refreshToken);
    clock.advance(11);

    const error = await tokens.refresh(pair.refreshToken).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "refresh_token_reused", status: 401, sessionId: pair.sessionId });
    expect(await errorCodeOf(() => tokens.refresh(next.refreshToken))).toBe("session_revoked");
    expect(await errorCodeOf(() => tokens.verifyAccessToken(next.accessToken, { checkSession: true }))).toBe("session_revoked");
    expect(await tokens.listSessions("u")).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(["issued", "refreshed", "reuse_detected", "revoked"]);
    expect(events.at(-1)).toMatchObject({ type: "revoked", reason: "reuse_detected", sessionId: pair.sessionId, subject: "u" });
  });

  it("treats any second use as reuse when reuseGraceSeconds is 0", async () => {
    const { tokens } = await createHarness({ reuseGraceSeconds: 0 });
    const pair = await tokens.issue({ subject: "u" });
    await tokens.refresh(pair.refreshToken);
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("refresh_token_reused");
  });

  it("detects reuse of a token several generations old", async () => {
    const { tokens, clock } = await createHarness();
    const first = await tokens.issue({ subject: "u" });
    let current = first;
    for (let i = 0; i < 3; i++) {
      clock.advance(60);
      current = await tokens.refresh(current.refreshToken);
    }
    expect(await errorCodeOf(() => tokens.refresh(first.refreshToken))).toBe("refresh_token_reused");
    expect(await errorCodeOf(() => tokens.refresh(current.refreshToken))).toBe("session_revoked");
  });

  it("leaves the subject's other sessions alone", async () => {
    const { tokens, clock } = await createHarness();
    const laptop = await tokens.issue({ subject: "u" });
    const phone = await tokens.issue({ subject: "u" });
    await tokens.refresh(laptop.refreshToken);
    clock.advance(30);
    await tokens.refresh(laptop.refreshToken).catch(() => undefined);
    await expect(tokens.refresh(phone.refreshToken)).resolves.toMatchObject({ sessionId: phone.sessionId });
  });
});

describe("the grace window returns the same successor instead of forking", () => {
  it("gives a client that lost the response the same successor and a fresh access token", async () => {
    const { tokens, clock, events } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const next = await tokens.refresh(pair.refreshToken);
    clock.advance(9);
    const retried = await tokens.refresh(pair.refreshToken);

    expect(retried.refreshToken).toBe(next.refreshToken);
    expect(retried.refreshTokenExpiresAt).toEqual(next.refreshTokenExpiresAt);
    expect(decodeJwt(retried.accessToken).payload.jti).not.toBe(decodeJwt(next.accessToken).payload.jti);
    expect(events.at(-1)).toMatchObject({ type: "refreshed", replayed: true });
    await expect(tokens.refresh(next.refreshToken)).resolves.toMatchObject({ sessionId: pair.sessionId });
  });

  it("is reuse once the successor itself has been spent", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const next = await tokens.refresh(pair.refreshToken);
    await tokens.refresh(next.refreshToken);
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("refresh_token_reused");
  });

  it("makes every concurrent refresh of one token converge on one successor", async () => {
    const { tokens, store } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const results = await Promise.all(Array.from({ length: 25 }, () => tokens.refresh(pair.refreshToken)));
    const successors = new Set(results.map((result) => result.refreshToken));
    expect(successors.size).toBe(1);
    const spent = await store.findToken(hashRefreshToken(pair.refreshToken));
    expect(spent?.token.successorHash).toBe(hashRefreshToken([...successors][0] as string));
    await expect(tokens.refresh([...successors][0])).resolves.toMatchObject({ sessionId: pair.sessionId });
  });

  it("with a zero window lets exactly one concurrent refresh win and the rest see reuse", async () => {
    const { tokens } = await createHarness({ reuseGraceSeconds: 0 });
    const pair = await tokens.issue({ subject: "u" });
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => tokens.refresh(pair.refreshToken)));
    const winners = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const codes = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [(outcome.reason as { code: string }).code] : []));
    expect(winners).toHaveLength(1);
    expect(codes).toEqual(Array(24).fill("refresh_token_reused"));
    expect(await tokens.listSessions("u")).toEqual([]);
  });
});

describe("claims on refresh", () => {
  it("reuses the login's claims by default", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u", claims: { roles: ["admin"] } });
    const next = await tokens.refresh(pair.refreshToken);
    await expect(tokens.verifyAccessToken(next.accessToken)).resolves.toMatchObject({ roles: ["admin"] });
  });

  it("reloads claims through resolveClaims, which sees the session", async () => {
    const seen: string[] = [];
    const { tokens } = await createHarness<{ roles: string[] }>({
      resolveClaims: (session) => {
        seen.push(`${session.subject}:${session.id}`);
        return { roles: ["viewer"] };
      },
    });
    const pair = await tokens.issue({ subject: "u", claims: { roles: ["admin"] } });
    const next = await tokens.refresh(pair.refreshToken);
    await expect(tokens.verifyAccessToken(next.accessToken)).resolves.toMatchObject({ roles: ["viewer"] });
    expect(seen).toEqual([`u:${pair.sessionId}`]);
  });

  it("revokes the session when resolveClaims refuses it", async () => {
    let disabled = false;
    const { tokens, events } = await createHarness({ resolveClaims: (session) => (disabled ? null : session.claims) });
    const pair = await tokens.issue({ subject: "u" });
    disabled = true;
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("session_revoked");
    expect(events.at(-1)).toMatchObject({ type: "revoked", reason: "refused" });
    disabled = false;
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("session_revoked");
  });
});

describe("rotateRefreshTokens: false (seed 000)", () => {
  it("keeps one refresh token per session until it expires", async () => {
    const { tokens, clock, store } = await createHarness({ rotateRefreshTokens: false });
    const pair = await tokens.issue({ subject: "u" });
    clock.advance(60);
    const first = await tokens.refresh(pair.refreshToken);
    clock.advance(60);
    const second = await tokens.refresh(pair.refreshToken);
    expect(first.refreshToken).toBe(pair.refreshToken);
    expect(second.refreshToken).toBe(pair.refreshToken);
    expect(second.refreshTokenExpiresAt).toEqual(pair.refreshTokenExpiresAt);
    expect((await store.findSession(pair.sessionId))?.lastUsedAt).toEqual(clock.now());
    clock.advance(7 * 86_400);
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("refresh_token_expired");
  });
});

describe("maxSessionsPerSubject", () => {
  it("with 1, a new login revokes the previous session (one token per email)", async () => {
    const { tokens, clock, events } = await createHarness({ maxSessionsPerSubject: 1 });
    const first = await tokens.issue({ subject: "a@example.test" });
    clock.advance(1);
    const second = await tokens.issue({ subject: "a@example.test" });
    const other = await tokens.issue({ subject: "b@example.test" });

    expect(await errorCodeOf(() => tokens.refresh(first.refreshToken))).toBe("session_revoked");
    await expect(tokens.refresh(second.refreshToken)).resolves.toMatchObject({ sessionId: second.sessionId });
    await expect(tokens.refresh(other.refreshToken)).resolves.toMatchObject({ sessionId: other.sessionId });
    expect(events).toContainEqual(expect.objectContaining({ type: "revoked", reason: "replaced", sessionId: first.sessionId }));
  });

  it("with 2, keeps the two newest sessions", async () => {
    const { tokens, clock } = await createHarness({ maxSessionsPerSubject: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(1);
      ids.push((await tokens.issue({ subject: "u" })).sessionId);
    }
    expect((await tokens.listSessions("u")).map((session) => session.id)).toEqual(ids.slice(2));
  });
});

describe("logout", () => {
  it("revoke ends one session, idempotently, and refresh is refused afterwards", async () => {
    const { tokens, events } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const other = await tokens.issue({ subject: "u" });
    expect(await tokens.revoke(pair.refreshToken)).toBe(true);
    expect(await tokens.revoke(pair.refreshToken)).toBe(false);
    expect(await tokens.revoke("A".repeat(43))).toBe(false);
    expect(await errorCodeOf(() => tokens.revoke(42))).toBe("invalid_refresh_token");
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("session_revoked");
    await expect(tokens.refresh(other.refreshToken)).resolves.toMatchObject({ sessionId: other.sessionId });
    expect(events.filter((event) => event.type === "revoked")).toHaveLength(1);
  });

  it("revokeSession ends a session by id, as listed", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    const [listed] = await tokens.listSessions("u");
    expect(await tokens.revokeSession(listed?.id as string)).toBe(true);
    expect(await tokens.revokeSession(listed?.id as string)).toBe(false);
    expect(await tokens.revokeSession("unknown")).toBe(false);
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("session_revoked");
  });

  it("revokeAllSessions logs a subject out everywhere and returns the count", async () => {
    const { tokens, events } = await createHarness();
    const a = await tokens.issue({ subject: "u" });
    const b = await tokens.issue({ subject: "u" });
    const keep = await tokens.issue({ subject: "someone-else" });
    expect(await tokens.revokeAllSessions("u")).toBe(2);
    expect(await tokens.revokeAllSessions("u")).toBe(0);
    for (const pair of [a, b]) expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("session_revoked");
    await expect(tokens.refresh(keep.refreshToken)).resolves.toBeDefined();
    expect(events).toContainEqual(expect.objectContaining({ type: "revoked_all", subject: "u", count: 2 }));
  });
});

describe("expiry and purging via the injected clock", () => {
  it("refuses every token of a session past its maximum age, however recently refreshed", async () => {
    const { tokens, clock } = await createHarness({ refreshTokenTtl: "1d", sessionMaxAge: "2d" });
    let pair = await tokens.issue({ subject: "u" });
    for (let hour = 0; hour < 47; hour++) {
      clock.advance(3600);
      pair = await tokens.refresh(pair.refreshToken);
    }
    clock.advance(3600);
    expect(await errorCodeOf(() => tokens.refresh(pair.refreshToken))).toBe("refresh_token_expired");
    expect(await tokens.listSessions("u")).toEqual([]);
  });

  it("purgeExpired removes ended sessions and expired tokens but keeps what can still be used", async () => {
    const { tokens, clock, store } = await createHarness({ refreshTokenTtl: "1h", sessionMaxAge: "1d" });
    const live = await tokens.issue({ subject: "u" });
    const revoked = await tokens.issue({ subject: "u" });
    await tokens.revoke(revoked.refreshToken);
    clock.advance(1800);
    const next = await tokens.refresh(live.refreshToken);
    expect(await tokens.purgeExpired()).toBe(2); // the revoked session and its token
    clock.advance(1800);
    expect(await tokens.purgeExpired()).toBe(1); // the spent first token, now expired
    expect(await store.findToken(hashRefreshToken(live.refreshToken))).toBeNull();
    await expect(tokens.refresh(next.refreshToken)).resolves.toMatchObject({ sessionId: live.sessionId });
  });
});

describe("session management refuses bad input with typed errors", () => {
  it("answers garbage subjects, session ids and tokens with invalid_argument or invalid_refresh_token", async () => {
    const { tokens } = await createHarness();
    for (const value of [undefined, null, 42, "", {}, ["u"]]) {
      expect(await errorCodeOf(() => tokens.revokeAllSessions(value as never))).toBe("invalid_argument");
      expect(await errorCodeOf(() => tokens.listSessions(value as never))).toBe("invalid_argument");
      expect(await errorCodeOf(() => tokens.revokeSession(value as never))).toBe("invalid_argument");
      expect(await errorCodeOf(() => tokens.revoke(value))).toBe("invalid_refresh_token");
      expect(await errorCodeOf(() => tokens.reissueAccessToken(value))).toBe("invalid_token");
    }
  });
});
