// A second service verifies the first one's tokens knowing nothing but the issuer URL and the
// audience, through a signing-key rotation with advance publication, on the runtime's own HTTP
// server and fetch: publish the next key, promote it, retire the old one. Every request through the
// rotation must verify; a token signed by the retired key is refused afterwards. The two services
// share one clock, moved forward instead of waiting out cache ages and token lifetimes.
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager, TokenVerifier } from "tokenwise";
import { jwksResponse } from "tokenwise/http";
import { assert, check, finish } from "./report.mjs";
import { runtimeName, serve } from "./serve.mjs";

const JWKS_MAX_AGE_SECONDS = 300;
const ACCESS_TOKEN_TTL_SECONDS = 900;

let time = Date.now();
const now = () => new Date(time);
const advance = (seconds) => (time += seconds * 1000);

let deployed;
let fetches = 0;
const server = await serve(async (request) => {
  if (new URL(request.url).pathname !== "/.well-known/jwks.json") return new Response("not found", { status: 404 });
  fetches++;
  return jwksResponse(deployed, { maxAge: JWKS_MAX_AGE_SECONDS });
});
const issuer = server.url;
const deployment = (signingKeys) => new TokenManager({ issuer, audience: "api", signingKeys, store: new MemoryRefreshTokenStore(), accessTokenTtl: ACCESS_TOKEN_TTL_SECONDS, now });
const verifier = new TokenVerifier({ issuer, audience: "api", now });

const [oldKey, newKey] = await Promise.all([generateSigningKey("EdDSA", "key-1"), generateSigningKey("EdDSA", "key-2")]);
const issued = [];
const failures = [];
let requests = 0;

/** Every member of the fleet issues tokens; every live token issued so far is presented to the verifier. */
async function traffic(step, fleet) {
  for (const member of fleet) {
    for (let i = 0; i < 5; i++) {
      const { accessToken, accessTokenExpiresAt } = await member.issue({ subject: `${step}-${i}` });
      issued.push({ token: accessToken, expiresAt: accessTokenExpiresAt.getTime() });
    }
  }
  const live = issued.filter(({ expiresAt }) => expiresAt > time);
  requests += live.length;
  const results = await Promise.allSettled(live.map(({ token }) => verifier.verifyAccessToken(token)));
  for (const result of results) if (result.status === "rejected") failures.push(`${step}: ${result.reason?.code ?? result.reason}`);
}

try {
  await check(`${runtimeName}: TokenVerifier on the issuer URL verifies through publish, promote, retire with zero failed requests`, async () => {
    const before = deployment([oldKey]);
    deployed = before;
    await traffic("before", [before]);
    const published = deployment([oldKey, { ...newKey, next: true }]);
    deployed = published;
    await traffic("publishing", [before, published]);
    advance(JWKS_MAX_AGE_SECONDS + 1);
    await traffic("published", [published]);
    const promoted = deployment([newKey, oldKey]);
    deployed = promoted;
    await traffic("promoting", [published, promoted]);
    advance(ACCESS_TOKEN_TTL_SECONDS + 1);
    await traffic("promoted", [promoted]);
    deployed = deployment([newKey]);
    advance(JWKS_MAX_AGE_SECONDS + 1);
    await traffic("retired", [deployed]);
    assert(failures.length === 0, `${failures.length} of ${requests} requests failed: ${failures.slice(0, 3).join("; ")}`);
    console.log(`# ${requests} requests verified, ${fetches} JWKS fetches`);
  });

  await check(`${runtimeName}: a token signed by the retired key is refused`, async () => {
    const { accessToken } = await deployment([oldKey]).issue({ subject: "after-retirement" });
    const code = await verifier.verifyAccessToken(accessToken).then(() => "accepted", (error) => error?.code);
    assert(code === "invalid_token", `expected invalid_token, got ${code}`);
  });
} finally {
  await server.close();
}
finish();
