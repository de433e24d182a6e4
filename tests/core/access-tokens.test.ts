import { SignJWT, UnsecuredJWT } from "jose";
import { generateSigningKey, TokenManager } from "tokenwise";
import { describe, expect, it } from "vitest";
import { AUDIENCE, createHarness, decodeJwt, errorCodeOf, ISSUER, testKey } from "./fixtures.js";

describe("access tokens follow the RFC 9068 profile", () => {
  it("carry typ at+jwt, kid, and iss, aud, sub, iat, exp, jti, sid plus the app's claims", async () => {
    const { tokens, clock } = await createHarness();
    const pair = await tokens.issue({ subject: "user-42", claims: { email: "a@example.test", roles: ["admin"] } });
    const { header, payload } = decodeJwt(pair.accessToken);
    const jwks = await tokens.jwks();

    expect(header).toEqual({ alg: "EdDSA", kid: jwks.keys[0]?.kid, typ: "at+jwt" });
    const iat = clock.now().getTime() / 1000;
    expect(payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: "user-42", iat, exp: iat + 900, sid: pair.sessionId });
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(payload).toMatchObject({ email: "a@example.test", roles: ["admin"] });
  });

  it("default to a 15-minute lifetime, reported as expiresIn and accessTokenExpiresAt", async () => {
    const { tokens, clock } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    expect(pair.tokenType).toBe("Bearer");
    expect(pair.expiresIn).toBe(900);
    expect(pair.accessTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 900_000);
  });

  it("carry a claim named __proto__ as a member, like any other", async () => {
    const { tokens } = await createHarness();
    const claims = JSON.parse('{"__proto__": {"admin": true}, "plan": "pro"}') as Record<string, unknown>;
    const pair = await tokens.issue({ subject: "u", claims });
    const { payload } = decodeJwt(pair.accessToken);
    expect(Object.keys(payload).slice(0, 2)).toEqual(["__proto__", "plan"]);
    const verified = await tokens.verifyAccessToken(pair.accessToken);
    expect(Object.getOwnPropertyDescriptor(verified, "__proto__")?.value).toEqual({ admin: true });
    expect(Object.getPrototypeOf(verified)).toBe(Object.prototype);
  });

  it("get a fresh jti every time", async () => {
    const { tokens } = await createHarness();
    const first = decodeJwt((await tokens.issue({ subject: "u" })).accessToken).payload.jti;
    const second = decodeJwt((await tokens.issue({ subject: "u" })).accessToken).payload.jti;
    expect(first).not.toBe(second);
  });

  it("refuse app claims that would override registered ones", async () => {
    const { tokens } = await createHarness();
    for (const name of ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid"]) {
      await expect(tokens.issue({ subject: "u", claims: { [name]: "x" } })).rejects.toMatchObject({
        code: "invalid_argument",
        argument: `claims.${name}`,
      });
    }
  });

  it("refuse an empty or missing subject and claims that are not JSON", async () => {
    const { tokens } = await createHarness();
    expect(await errorCodeOf(() => tokens.issue({ subject: "" }))).toBe("invalid_argument");
    expect(await errorCodeOf(() => tokens.issue(undefined as never))).toBe("invalid_argument");
    expect(await errorCodeOf(() => tokens.issue({ subject: 7 as never }))).toBe("invalid_argument");
    expect(await errorCodeOf(() => tokens.issue({ subject: "u", claims: { n: 1n } as never }))).toBe("invalid_argument");
    expect(await errorCodeOf(() => tokens.issue({ subject: "u", claims: [] as never }))).toBe("invalid_argument");
  });
});

describe("verifyAccessToken", () => {
  it("returns the typed claims of a valid token", async () => {
    const { tokens } = await createHarness<{ roles: string[] }>();
    const pair = await tokens.issue({ subject: "user-42", claims: { roles: ["admin"] } });
    const claims = await tokens.verifyAccessToken(pair.accessToken);
    const roles: string[] = claims.roles;
    expect(roles).toEqual(["admin"]);
    expect(claims.sub).toBe("user-42");
    expect(claims.sid).toBe(pair.sessionId);
  });

  it("rejects an expired token with token_expired, after the clock tolerance", async () => {
    const { tokens, clock } = await createHarness();
    const { accessToken } = await tokens.issue({ subject: "u" });
    clock.advance(900 + 4);
    await expect(tokens.verifyAccessToken(accessToken)).resolves.toMatchObject({ sub: "u" });
    clock.advance(2);
    await expect(tokens.verifyAccessToken(accessToken)).rejects.toMatchObject({ code: "token_expired", status: 401 });
  });

  it("honours a clockTolerance of zero", async () => {
    const { tokens, clock } = await createHarness({ clockTolerance: 0 });
    const { accessToken } = await tokens.issue({ subject: "u" });
    clock.advance(900);
    expect(await errorCodeOf(() => tokens.verifyAccessToken(accessToken))).toBe("token_expired");
  });

  it("rejects tokens of another issuer or audience, naming the claim", async () => {
    const { tokens, clock } = await createHarness();
    const key = await testKey();
    const otherIssuer = new TokenManager({ issuer: "https://evil.test", audience: AUDIENCE, signingKeys: [key], store: undefined as never, refreshTokenMode: "stateless", now: clock.now });
    const otherAudience = new TokenManager({ issuer: ISSUER, audience: "billing", signingKeys: [key], refreshTokenMode: "stateless", now: clock.now });
    const fromIssuer = (await otherIssuer.issue({ subject: "u" })).accessToken;
    const forAudience = (await otherAudience.issue({ subject: "u" })).accessToken;
    await expect(tokens.verifyAccessToken(fromIssuer)).rejects.toMatchObject({ code: "invalid_token", claim: "iss" });
    await expect(tokens.verifyAccessToken(forAudience)).rejects.toMatchObject({ code: "invalid_token", claim: "aud" });
  });

  it("rejects a token signed by a key it does not know", async () => {
    const { tokens, clock } = await createHarness();
    const stranger = new TokenManager({
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [await generateSigningKey("EdDSA")],
      refreshTokenMode: "stateless",
      now: clock.now,
    });
    const forged = (await stranger.issue({ subject: "u" })).accessToken;
    await expect(tokens.verifyAccessToken(forged)).rejects.toMatchObject({ code: "invalid_token", claim: "kid" });
  });

  it("rejects a token whose signature was tampered with, or whose payload was swapped", async () => {
    const { tokens } = await createHarness();
    const [header, payload, signature] = (await tokens.issue({ subject: "u" })).accessToken.split(".");
    const otherPayload = (await tokens.issue({ subject: "admin" })).accessToken.split(".")[1];
    const flipped = `${signature?.slice(0, -2)}${signature?.endsWith("AA") ? "BA" : "AA"}`;
    expect(await errorCodeOf(() => tokens.verifyAccessToken(`${header}.${payload}.${flipped}`))).toBe("invalid_token");
    expect(await errorCodeOf(() => tokens.verifyAccessToken(`${header}.${otherPayload}.${signature}`))).toBe("invalid_token");
  });

  it("rejects alg none (RFC 8725 §3.2)", async () => {
    const { tokens, clock } = await createHarness();
    const unsecured = new UnsecuredJWT({ sub: "u", sid: "s", jti: "j" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(clock.now())
      .setExpirationTime("5m")
      .encode();
    expect(await errorCodeOf(() => tokens.verifyAccessToken(unsecured))).toBe("invalid_token");
  });

  it("rejects an HMAC token forged with the public key as secret (algorithm confusion)", async () => {
    const { tokens, clock } = await createHarness();
    const { keys } = await tokens.jwks();
    const publicKey = keys[0] as { kid: string; x: string };
    const secret = new TextEncoder().encode(JSON.stringify(publicKey).padEnd(64, " "));
    const forged = await new SignJWT({ sid: "s" })
      .setProtectedHeader({ alg: "HS256", kid: publicKey.kid, typ: "at+jwt" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject("admin")
      .setJti("j")
      .setIssuedAt(clock.now())
      .setExpirationTime("5m")
      .sign(secret);
    expect(await errorCodeOf(() => tokens.verifyAccessToken(forged))).toBe("invalid_token");
  });

  it("rejects a well-signed JWT without typ at+jwt, or missing a required claim", async () => {
    const { tokens, clock } = await createHarness({ signingKeys: [{ alg: "HS256", secret: "s".repeat(32), kid: "k" }] });
    const secret = new TextEncoder().encode("s".repeat(32));
    const base = () =>
      new SignJWT({ sid: "s" }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject("u").setJti("j").setIssuedAt(clock.now()).setExpirationTime("5m");
    const untyped = await base().setProtectedHeader({ alg: "HS256", kid: "k" }).sign(secret);
    const wrongType = await base().setProtectedHeader({ alg: "HS256", kid: "k", typ: "JWT" }).sign(secret);
    const noSid = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", kid: "k", typ: "at+jwt" })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject("u").setJti("j").setIssuedAt(clock.now()).setExpirationTime("5m")
      .sign(secret);
    const noExp = await new SignJWT({ sid: "s" })
      .setProtectedHeader({ alg: "HS256", kid: "k", typ: "at+jwt" })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject("u").setJti("j").setIssuedAt(clock.now())
      .sign(secret);
    const valid = await base().setProtectedHeader({ alg: "HS256", kid: "k", typ: "at+jwt" }).sign(secret);

    await expect(tokens.verifyAccessToken(valid)).resolves.toMatchObject({ sub: "u" });
    await expect(tokens.verifyAccessToken(untyped)).rejects.toMatchObject({ code: "invalid_token", claim: "typ" });
    await expect(tokens.verifyAccessToken(wrongType)).rejects.toMatchObject({ code: "invalid_token", claim: "typ" });
    await expect(tokens.verifyAccessToken(noSid)).rejects.toMatchObject({ code: "invalid_token", claim: "sid" });
    await expect(tokens.verifyAccessToken(noExp)).rejects.toMatchObject({ code: "invalid_token", claim: "exp" });
  });

  it("rejects a token that is not yet valid (nbf in the future)", async () => {
    const { tokens, clock } = await createHarness({ signingKeys: [{ alg: "HS256", secret: "s".repeat(32), kid: "k" }] });
    const early = await new SignJWT({ sid: "s" })
      .setProtectedHeader({ alg: "HS256", kid: "k", typ: "at+jwt" })
      .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject("u").setJti("j")
      .setIssuedAt(clock.now()).setNotBefore(new Date(clock.now().getTime() + 60_000)).setExpirationTime("10m")
      .sign(new TextEncoder().encode("s".repeat(32)));
    await expect(tokens.verifyAccessToken(early)).rejects.toMatchObject({ code: "invalid_token", claim: "nbf" });
  });

  it("answers every kind of garbage with invalid_token, never a raw error", async () => {
    const { tokens } = await createHarness();
    const garbage: unknown[] = [
      undefined, null, 42, {}, [], "", "abc", "a.b.c", "...", "eyJ.eyJ.sig", "x".repeat(1_000_000),
      `${"eyJhbGciOiJFZERTQSJ9"}.${"e".repeat(20_000)}.x`, "\u0000\uffff.\ud800.x", Symbol("t"),
    ];
    for (const value of garbage) {
      const error = await tokens.verifyAccessToken(value).catch((caught: unknown) => caught);
      expect(error, String(typeof value === "symbol" ? "symbol" : value).slice(0, 30)).toMatchObject({ code: "invalid_token", status: 401 });
    }
  });
});

describe("verifyAccessToken with checkSession", () => {
  it("accepts a token of an active session and rejects it once the session is revoked", async () => {
    const { tokens } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    await expect(tokens.verifyAccessToken(pair.accessToken, { checkSession: true })).resolves.toMatchObject({ sub: "u" });
    await tokens.revoke(pair.refreshToken);
    await expect(tokens.verifyAccessToken(pair.accessToken)).resolves.toMatchObject({ sub: "u" });
    await expect(tokens.verifyAccessToken(pair.accessToken, { checkSession: true })).rejects.toMatchObject({ code: "session_revoked" });
  });

  it("rejects a token whose session was purged or never existed", async () => {
    const { tokens, clock } = await createHarness({ accessTokenTtl: "1h", refreshTokenTtl: "1h", sessionMaxAge: "1h" });
    const pair = await tokens.issue({ subject: "u" });
    clock.advance(3600);
    await tokens.purgeExpired();
    clock.advance(-1);
    expect(await errorCodeOf(() => tokens.verifyAccessToken(pair.accessToken, { checkSession: true }))).toBe("session_revoked");
  });
});

describe("reissueAccessToken (seed 002 regenerate_token)", () => {
  it("issues a fresh access token in the same session while the current one is valid", async () => {
    const { tokens, clock } = await createHarness();
    const pair = await tokens.issue({ subject: "u", claims: { role: "staff" } });
    clock.advance(600);
    const again = await tokens.reissueAccessToken(pair.accessToken);
    expect(again.sessionId).toBe(pair.sessionId);
    expect(again.accessTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 900_000);
    await expect(tokens.verifyAccessToken(again.accessToken)).resolves.toMatchObject({ sub: "u", role: "staff", sid: pair.sessionId });
  });

  it("refuses an expired token and a token of a revoked session", async () => {
    const { tokens, clock } = await createHarness();
    const pair = await tokens.issue({ subject: "u" });
    await tokens.revoke(pair.refreshToken);
    expect(await errorCodeOf(() => tokens.reissueAccessToken(pair.accessToken))).toBe("session_revoked");
    const other = await tokens.issue({ subject: "u" });
    clock.advance(1000);
    expect(await errorCodeOf(() => tokens.reissueAccessToken(other.accessToken))).toBe("token_expired");
    expect(await errorCodeOf(() => tokens.reissueAccessToken("garbage"))).toBe("invalid_token");
  });
});
