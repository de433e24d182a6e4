// Both crypto backends on this runtime give every token the same answer: the native backend's
// node:crypto here (Node, Deno or Bun) against the web backend's jose and Web Crypto. Tokens of
// every algorithm, valid and altered in header, claims and signature, signed outside the library.
// The backends are internal, so they are imported by path from the installed package.
import { assert, check, finish } from "./report.mjs";

const { cryptoBackend: native } = await import("./node_modules/tokenwise/dist/lib/crypto/native.js");
const { cryptoBackend: web } = await import("./node_modules/tokenwise/dist/lib/crypto/web.js");

const ALGORITHMS = {
  HS256: { generate: { name: "HMAC", hash: "SHA-256", length: 256 }, sign: { name: "HMAC" } },
  HS512: { generate: { name: "HMAC", hash: "SHA-512", length: 512 }, sign: { name: "HMAC" } },
  ES256: { generate: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" } },
  ES384: { generate: { name: "ECDSA", namedCurve: "P-384" }, sign: { name: "ECDSA", hash: "SHA-384" } },
  EdDSA: { generate: { name: "Ed25519" }, sign: { name: "Ed25519" } },
  RS256: { generate: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, sign: { name: "RSASSA-PKCS1-v1_5" } },
  PS256: { generate: { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, sign: { name: "RSA-PSS", saltLength: 32 } },
};
const now = new Date(Date.UTC(2026, 0, 1));
const seconds = Math.floor(now.getTime() / 1000);
const ISSUER = "https://smoke.test";
const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const encode = (value) => base64url(new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value)));

const HEADERS = (alg) => [
  { alg, kid: "k", typ: "at+jwt" },
  { alg, kid: "k", typ: "AT+JWT" },
  { alg, kid: "k", typ: "application/at+jwt" },
  { alg, kid: "k", typ: "JWT" },
  { alg, kid: "k" },
  { alg, kid: "other", typ: "at+jwt" },
  { alg, typ: "at+jwt" },
  { alg, kid: 1, typ: "at+jwt" },
  { alg: alg.toLowerCase(), kid: "k", typ: "at+jwt" },
  { alg: "none", kid: "k", typ: "at+jwt" },
  { alg: "HS256" === alg ? "HS384" : "HS256", kid: "k", typ: "at+jwt" },
  { alg, kid: "k", typ: "at+jwt", crit: ["b64"], b64: true },
  { alg, kid: "k", typ: "at+jwt", crit: ["b64"], b64: false },
  { alg, kid: "k", typ: "at+jwt", crit: ["exp"] },
  { alg, kid: "k", typ: "at+jwt", crit: [] },
  { alg, kid: "k", typ: "at+jwt", b64: false },
  "[]",
  "{",
  '\ufeff{"alg":"' + alg + '","kid":"k","typ":"at+jwt"}',
];
const valid = { iss: ISSUER, aud: "api", sub: "u", sid: "s", jti: "j", iat: seconds, exp: seconds + 60 };
const PAYLOADS = [
  valid,
  { ...valid, aud: ["other", "api"] },
  { ...valid, aud: ["other"] },
  { ...valid, iss: `${ISSUER}/` },
  { ...valid, exp: seconds - 5 },
  { ...valid, exp: seconds - 6 },
  { ...valid, exp: "soon" },
  { ...valid, nbf: seconds + 5 },
  { ...valid, nbf: seconds + 6 },
  { ...valid, iat: "now" },
  { ...valid, sid: undefined },
  { ...valid, iss: undefined },
  "[]",
  "null",
  '{"exp":1e400}',
  "\u00ff\u00fe",
];

/** The answer as compared: the claims, or the failure without its cause. */
const comparable = (result) => ("payload" in result ? { payload: result.payload } : { reason: result.failure.reason, message: result.failure.message, claim: result.failure.claim });

/** A base64url character other than the one at `index` of `segment`, away from its last character (which may carry unused bits). */
const altered = (token, index) => `${token.slice(0, index)}${token[index] === "A" ? "B" : "A"}${token.slice(index + 1)}`;

for (const [alg, { generate, sign }] of Object.entries(ALGORITHMS)) {
  await check(`${alg}: native (${native.name}) and web (${web.name}) backends answer every token alike`, async () => {
    // Extractable: node:crypto makes its KeyObject from the key itself (tokenwise's own imports keep the JWK beside it).
    const generated = await crypto.subtle.generateKey(generate, true, ["sign", "verify"]);
    const signKey = generated.privateKey ?? generated;
    const verifyKey = generated.publicKey ?? generated;
    const keys = { algorithms: [alg, "HS384"], epoch: 0, keyFor: (kid, requested) => { if (kid !== "k" || requested !== alg) throw Object.assign(new Error("no key"), { code: "unknown" }); return verifyKey; } };
    const context = { issuer: ISSUER, audience: "api", keys, clockToleranceSeconds: 5, maxTokenLifetimeSeconds: null, now: () => now, accessTokenCache: null };
    const tokens = [];
    for (const header of HEADERS(alg)) {
      for (const payload of PAYLOADS) {
        const input = `${encode(header)}.${encode(payload)}`;
        tokens.push(`${input}.${base64url(new Uint8Array(await crypto.subtle.sign(sign, signKey, new TextEncoder().encode(input))))}`);
      }
    }
    const genuine = tokens[0];
    const [headerEnd, payloadEnd] = [genuine.indexOf("."), genuine.lastIndexOf(".")];
    for (const index of [1, headerEnd - 3, headerEnd + 2, Math.floor((headerEnd + payloadEnd) / 2), payloadEnd + 2, genuine.length - 3]) tokens.push(altered(genuine, index));
    let accepted = 0;
    for (const token of tokens) {
      const [ours, reference] = [comparable(await native.verifyJws(context, token, "at+jwt", now)), comparable(await web.verifyJws(context, token, "at+jwt", now))];
      assert(JSON.stringify(ours) === JSON.stringify(reference), `${token}: native ${JSON.stringify(ours)}, web ${JSON.stringify(reference)}`);
      if (ours.payload) accepted++;
    }
    assert(accepted >= 5, `only ${accepted} of ${tokens.length} tokens were valid: acceptance is not put to the test`);
  });
}

finish();
