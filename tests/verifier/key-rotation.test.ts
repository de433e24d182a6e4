/**
 * The documented key rotation, end to end over real HTTP: a resource server whose TokenVerifier
 * cached the old JWK Set verifies every token of a rolling fleet through publish → promote →
 * retire without one failed request, and refuses tokens signed by the retired key afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateSigningKey, RemoteJwks, TokenManager, TokenVerifier, type SigningKey } from "tokenwise";
import { AUDIENCE, errorCodeOf, ISSUER, TestClock } from "../core/fixtures.js";
import { startJwksEndpoint, type JwksEndpoint } from "./jwks-endpoint.js";

const JWKS_MAX_AGE = 300;
const ACCESS_TOKEN_TTL = 15 * 60;

let endpoint: JwksEndpoint;
let clock: TestClock;
let oldKey: SigningKey;
let newKey: SigningKey;

beforeEach(async () => {
  endpoint = await startJwksEndpoint();
  clock = new TestClock();
  [oldKey, newKey] = await Promise.all([generateSigningKey("EdDSA", "2026-01"), generateSigningKey("EdDSA", "2026-02")]);
});

afterEach(async () => {
  await endpoint.close();
});

/** One instance of the auth server, deployed with `signingKeys`. */
const instance = (signingKeys: SigningKey[]): TokenManager =>
  new TokenManager({ issuer: ISSUER, audience: AUDIENCE, signingKeys, refreshTokenMode: "stateless", accessTokenTtl: ACCESS_TOKEN_TTL, now: clock.now });

/** The auth server's JWKS endpoint serves the key set of the given deployment. */
function publish(deployment: TokenManager): void {
  endpoint.answer(async () => Response.json(await deployment.jwks(), { headers: { "cache-control": `public, max-age=${JWKS_MAX_AGE}` } }));
}

/** A resource server that knows nothing but the JWKS URL. */
const resourceServer = (): TokenVerifier =>
  new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: new RemoteJwks(endpoint.url, { now: clock.now }), now: clock.now });

describe("key rotation with advance publication", () => {
  it("a verifier that cached the old set verifies every token of the fleet through the rotation, and refuses the retired key after it", async () => {
    const verifier = resourceServer();
    const issued: { token: string; expiresAt: Date }[] = [];
    const failures: string[] = [];
    let requests = 0;
    /** Traffic: every instance issues tokens, and every token issued so far that has not expired is presented again. */
    async function traffic(step: string, fleet: TokenManager[]): Promise<void> {
      for (const member of fleet) {
        for (let i = 0; i < 10; i++) {
          const { accessToken, accessTokenExpiresAt } = await member.issue({ subject: `${step}-${i}` });
          issued.push({ token: accessToken, expiresAt: accessTokenExpiresAt });
        }
      }
      const live = issued.filter(({ expiresAt }) => expiresAt > clock.now());
      requests += live.length;
      const results = await Promise.allSettled(live.map(({ token }) => verifier.verifyAccessToken(token)));
      results.forEach((result, index) => {
        if (result.status === "rejected") failures.push(`${step}: token ${index}: ${String(result.reason)}`);
      });
    }

    // 0. Everyone signs with the old key; the verifier fetches and caches that set.
    const before = instance([oldKey]);
    publish(before);
    await traffic("before", [before, instance([oldKey])]);
    expect(endpoint.fetches()).toBe(1);

    // 1. Publish the new key as next: instances roll out one by one; none signs with it yet.
    const publishing = instance([{ ...newKey, next: true }, oldKey]);
    publish(publishing);
    await traffic("publishing", [before, publishing]);
    await expect(publishing.jwks()).resolves.toMatchObject({ keys: [{ kid: "2026-02" }, { kid: "2026-01" }] });

    // Wait out the JWK Set's max-age: every verifier has now seen the new key.
    clock.advance(JWKS_MAX_AGE + 1);
    await traffic("published", [publishing]);

    // 2. Promote: the new key signs, while instances not yet redeployed still sign with the old one.
    const promoted = instance([newKey, oldKey]);
    publish(promoted);
    await traffic("promoting", [publishing, promoted]);
    const fetchesAtPromotion = endpoint.fetches();
    await traffic("promoted", [promoted]);
    expect(endpoint.fetches(), "no token of the new key was a surprise").toBe(fetchesAtPromotion);

    // 3. Retire the old key once the longest access-token lifetime has passed since promotion.
    clock.advance(ACCESS_TOKEN_TTL + 1);
    const retired = instance([newKey]);
    publish(retired);
    await traffic("retiring", [promoted, retired]);
    clock.advance(JWKS_MAX_AGE + 1);
    await traffic("retired", [retired]);

    expect(failures).toEqual([]);
    expect(requests).toBe(310);

    // A straggler still signing with the retired key is refused.
    const straggler = instance([oldKey]);
    expect(await errorCodeOf(async () => verifier.verifyAccessToken((await straggler.issue({ subject: "late" })).accessToken))).toBe("invalid_token");
  });

  it("without advance publication, tokens of a freshly promoted key fail at a verifier inside its cooldown (why the procedure publishes first)", async () => {
    const verifier = resourceServer();
    const before = instance([oldKey]);
    publish(before);
    await verifier.verifyAccessToken((await before.issue({ subject: "u" })).accessToken);
    const promotedAtOnce = instance([newKey, oldKey]);
    publish(promotedAtOnce);
    clock.advance(5);
    expect(await errorCodeOf(async () => verifier.verifyAccessToken((await promotedAtOnce.issue({ subject: "u" })).accessToken))).toBe("invalid_token");
  });
});

describe("next keys in the manager", () => {
  it("a next key is published and verifies but never signs", async () => {
    const manager = instance([{ ...newKey, next: true }, oldKey]);
    const { accessToken } = await manager.issue({ subject: "u" });
    const header = JSON.parse(Buffer.from(accessToken.split(".")[0] ?? "", "base64url").toString()) as { kid: string };
    expect(header.kid).toBe("2026-01");
    const promotedElsewhere = (await instance([newKey, oldKey]).issue({ subject: "u" })).accessToken;
    await expect(manager.verifyAccessToken(promotedElsewhere)).resolves.toMatchObject({ sub: "u" });
  });

  it.each([
    { name: "every key marked next", keys: (): SigningKey[] => [{ ...newKey, next: true }], option: "signingKeys" },
    { name: "a next key without its private key", keys: (): SigningKey[] => [{ alg: "EdDSA", publicKey: "-----BEGIN PUBLIC KEY-----", next: true }, oldKey], option: "signingKeys[0]" },
    { name: "next that is not a boolean", keys: (): SigningKey[] => [{ ...newKey, next: "yes" as never }, oldKey], option: "signingKeys[0].next" },
  ])("refuses $name", ({ keys, option }) => {
    expect(() => instance(keys())).toThrow(expect.objectContaining({ code: "invalid_config", option }));
  });
});
