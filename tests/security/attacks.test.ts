/**
 * RFC 8725 / OWASP attacks on the JOSE header, each a token built outside the library and
 * presented both as an access token and as a stateless refresh token: one verification engine,
 * one set of refusals.
 */
import { createPublicKey, X509Certificate } from "node:crypto";
import type { Jwk } from "tokenwise";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHarness } from "../core/fixtures.js";
import {
  ASYMMETRIC_ALGORITHMS,
  claimsFor,
  craftToken,
  headerFor,
  knownKey,
  MANAGER_ALGORITHMS,
  managerHolding,
  privateKeyOf,
  refusal,
  segment,
  TOKEN_KINDS,
  tokenSignedBy,
  type KnownKey,
  type TokenKind,
} from "./craft.js";
import { selfSignedCertificate } from "./x509.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Presents a token and expects the kind's refusal. */
async function expectRefused(kind: TokenKind, key: KnownKey, token: string, claim?: string): Promise<void> {
  const { tokens } = await managerHolding(key);
  await expect(kind.present(tokens, token)).rejects.toMatchObject(refusal(kind, claim));
}

describe.each(TOKEN_KINDS)("$name", (kind) => {
  describe("the tokens these attacks start from", () => {
    it.each(MANAGER_ALGORITHMS)("are accepted from a %s manager when nothing is wrong with them", async (alg) => {
      const key = knownKey(alg);
      const { tokens, clock } = await managerHolding(key);
      await expect(kind.present(tokens, tokenSignedBy(kind, key, clock))).resolves.toBeDefined();
    });
  });

  describe('alg "none" is never accepted (RFC 8725 §3.2)', () => {
    describe.each(MANAGER_ALGORITHMS)("by a %s manager", (alg) => {
      it.each(["none", "None", "NONE", "nOnE"])("alg %s, with an empty, a junk or the genuine signature", async (none) => {
        const key = knownKey(alg);
        const { clock } = await managerHolding(key);
        const genuineSignature = tokenSignedBy(kind, key, clock).split(".")[2] ?? "";
        const unsigned = `${segment(headerFor(kind, key, { alg: none }))}.${segment(claimsFor(kind, clock))}`;
        for (const signature of ["", "AAAA", genuineSignature]) {
          await expectRefused(kind, key, `${unsigned}.${signature}`);
        }
      });
    });
  });

  describe("an HMAC token keyed with the manager's own public key is refused (key confusion, RFC 8725 §2.1)", () => {
    const ANY = ["EC", "OKP", "RSA"];
    /** Every way a careless verifier might turn the published key into an HMAC secret. */
    const ENCODINGS: { name: string; kty: readonly string[]; secret: (jwk: Jwk) => Uint8Array | string }[] = [
      { name: "SPKI PEM", kty: ANY, secret: (jwk) => spki(jwk, "pem") },
      { name: "SPKI PEM without its final newline", kty: ANY, secret: (jwk) => spki(jwk, "pem").trimEnd() },
      { name: "SPKI PEM with CRLF line ends", kty: ANY, secret: (jwk) => spki(jwk, "pem").replaceAll("\n", "\r\n") },
      { name: "SPKI DER", kty: ANY, secret: (jwk) => spkiDer(jwk) },
      { name: "base64 of the SPKI DER (the PEM body)", kty: ANY, secret: (jwk) => Buffer.from(spkiDer(jwk)).toString("base64") },
      { name: "PKCS#1 PEM", kty: ["RSA"], secret: (jwk) => publicKeyOf(jwk).export({ type: "pkcs1", format: "pem" }).toString() },
      { name: "PKCS#1 DER", kty: ["RSA"], secret: (jwk) => new Uint8Array(publicKeyOf(jwk).export({ type: "pkcs1", format: "der" })) },
      { name: "the JWK JSON as jwks() serves it", kty: ANY, secret: (jwk) => JSON.stringify(jwk) },
      { name: "the JWK JSON of its RFC 7638 thumbprint members", kty: ANY, secret: (jwk) => thumbprintJson(jwk) },
      { name: "raw x bytes", kty: ["EC", "OKP"], secret: (jwk) => base64UrlBytes(jwk.x) },
      { name: "raw uncompressed point 04‖x‖y", kty: ["EC"], secret: (jwk) => new Uint8Array([4, ...base64UrlBytes(jwk.x), ...base64UrlBytes(jwk.y)]) },
      { name: "raw n bytes", kty: ["RSA"], secret: (jwk) => base64UrlBytes(jwk.n) },
      { name: "base64url text of x or n", kty: ANY, secret: (jwk) => String(jwk.x ?? jwk.n) },
      { name: "hex of x or n", kty: ANY, secret: (jwk) => Buffer.from(base64UrlBytes(jwk.x ?? jwk.n)).toString("hex") },
    ];
    const KEY_TYPES: Readonly<Record<string, string>> = { ES256: "EC", EdDSA: "OKP", RS256: "RSA" };

    describe.each(ASYMMETRIC_ALGORITHMS)("by a %s manager, alone or beside an HS256 key", (alg) => {
      const applicable = ENCODINGS.filter((encoding) => encoding.kty.includes(KEY_TYPES[alg] ?? ""));

      it.each(applicable)("HS256, HS384 and HS512 keyed with its public key as $name", async ({ secret }) => {
        const key = knownKey(alg);
        const hmacKey = knownKey("HS256");
        for (const keys of [[key], [key, hmacKey]]) {
          const { tokens, clock } = await managerHolding(...keys);
          const published = (await tokens.jwks()).keys[0] as Jwk;
          const accepting = await createHarness({ signingKeys: [{ alg: "HS256", secret: secret(published), kid: key.kid }], refreshTokenMode: "stateless" });
          const control = craftToken({ header: headerFor(kind, key, { alg: "HS256" }), payload: claimsFor(kind, clock), key: secret(published) });
          await expect(kind.present(accepting.tokens, control), "control: a manager really keyed with that secret").resolves.toBeDefined();
          for (const hmac of ["HS256", "HS384", "HS512"]) {
            for (const kid of new Set([key.kid, undefined, keys.at(-1)?.kid])) {
              const header = headerFor(kind, key, { alg: hmac, kid });
              const forged = craftToken({ header, payload: claimsFor(kind, clock), key: secret(published) });
              await expect(kind.present(tokens, forged), `${hmac}, kid ${kid}, ${keys.length} keys`).rejects.toMatchObject(refusal(kind));
            }
          }
        }
      });
    });
  });

  describe("the algorithm is pinned to the key (RFC 8725 §3.1)", () => {
    it.each([
      ["HS256", ["HS384", "HS512"]],
      ["ES256", ["ES384"]],
      ["EdDSA", ["Ed25519"]],
      ["RS256", ["PS256", "RS384"]],
    ] as const)("a %s key's own signature under another algorithm of its family (%j) is refused", async (alg, others) => {
      const key = knownKey(alg);
      const { clock } = await managerHolding(key);
      for (const other of others) {
        await expectRefused(kind, key, craftToken({ header: headerFor(kind, key, { alg: other }), payload: claimsFor(kind, clock), key: key.signer }));
      }
    });

    it.each(MANAGER_ALGORITHMS)("a token naming a %s key's kid with another algorithm, signed by an attacker's key of that algorithm, is refused", async (alg) => {
      const key = knownKey(alg);
      const { clock } = await managerHolding(key);
      for (const other of ["HS256", "ES256", "ES384", "EdDSA", "RS256", "PS256"].filter((candidate) => candidate !== alg)) {
        const attacker = knownKey(other, "attacker");
        await expectRefused(kind, key, tokenSignedBy(kind, attacker, clock, { header: { kid: key.kid } }));
      }
    });

    it("in a manager holding several keys, a token signed by one key but naming another's kid is refused", async () => {
      const keys = ["ES256", "EdDSA", "RS256", "PS256", "HS256", "HS384"].map((alg) => knownKey(alg));
      const { tokens, clock } = await managerHolding(...keys);
      for (const signer of keys) {
        await expect(kind.present(tokens, tokenSignedBy(kind, signer, clock)), `${signer.alg} under its own kid`).resolves.toBeDefined();
        for (const named of keys.filter((candidate) => candidate !== signer)) {
          const forged = tokenSignedBy(kind, signer, clock, { header: { kid: named.kid } });
          await expect(kind.present(tokens, forged), `${signer.alg} naming ${named.alg}`).rejects.toMatchObject(refusal(kind));
        }
      }
    });

    it.each(MANAGER_ALGORITHMS)("a %s token whose alg is not exactly the key's (missing, empty, null, a number, an array, recased, padded) is refused", async (alg) => {
      const key = knownKey(alg);
      const { clock } = await managerHolding(key);
      for (const variant of [undefined, "", null, 42, [alg], alg.toLowerCase(), alg.toUpperCase(), `${alg} `, ` ${alg}`]) {
        if (variant === alg) continue;
        const forged = craftToken({ header: headerFor(kind, key, { alg: variant }), payload: claimsFor(kind, clock), key: key.signer, signAs: alg });
        await expectRefused(kind, key, forged);
      }
    });
  });

  describe("kid tricks: a genuine signature under a kid that is not exactly ours is refused (RFC 8725 §3.10)", () => {
    const KID_TRICKS: { name: string; kid: (ours: string) => unknown; claim?: string }[] = [
      { name: "a missing kid", kid: () => undefined },
      { name: "an unknown kid", kid: () => "no-such-key", claim: "kid" },
      { name: "an empty kid", kid: () => "" },
      { name: "a path traversal to /dev/null", kid: () => "../../../../../../dev/null" },
      { name: "a path traversal next to our kid", kid: (ours) => `../${ours}` },
      { name: "a Windows path traversal", kid: () => "..\\..\\windows\\win.ini" },
      { name: "an SQL injection", kid: () => "' OR '1'='1" },
      { name: "our kid followed by an SQL injection", kid: (ours) => `${ours}' OR '1'='1' -- ` },
      { name: "a UNION SELECT", kid: () => "x' UNION SELECT 'secret' -- " },
      { name: "our kid with a NUL byte", kid: (ours) => `${ours}\u0000` },
      { name: "our kid recased", kid: (ours) => ours.toUpperCase() },
      { name: "our kid with a leading space", kid: (ours) => ` ${ours}` },
      { name: "our kid with a trailing space", kid: (ours) => `${ours} ` },
      { name: "a very long kid", kid: () => "k".repeat(8_000) },
      { name: "a number", kid: () => 0 },
      { name: "another number", kid: () => 1 },
      { name: "an object", kid: () => ({}) },
      { name: "an object holding our kid", kid: (ours) => ({ kid: ours }) },
      { name: "an array holding our kid", kid: (ours) => [ours] },
      { name: "null", kid: () => null },
      { name: "true", kid: () => true },
    ];

    it.each(KID_TRICKS)("$name", async ({ kid, claim }) => {
      for (const alg of MANAGER_ALGORITHMS) {
        const key = knownKey(alg);
        const { clock } = await managerHolding(key);
        await expectRefused(kind, key, tokenSignedBy(kind, key, clock, { header: { kid: kid(key.kid) } }), claim);
      }
    });
  });

  describe("keys carried in the header (jwk, jku, x5u, x5c) are never used, nor fetched (RFC 8725 §3.10, RFC 7515 §4.1.2-4.1.6)", () => {
    it.each(MANAGER_ALGORITHMS)("a %s token signed by the attacker's key that its header embeds or points to is refused", async (alg) => {
      const fetchSpy = vi.spyOn(globalThis, "fetch");
      const key = knownKey(alg);
      const attacker = knownKey(alg, "attacker");
      const { clock } = await managerHolding(key);
      const jwk = embeddedJwk(attacker);
      const certificate = alg === "HS256" ? [] : [selfSignedCertificate(privateKeyOf(attacker), alg)];
      const headers: Record<string, unknown>[] = [
        { kid: undefined, jwk },
        { kid: key.kid, jwk },
        { kid: attacker.kid, jwk: { ...jwk, kid: attacker.kid } },
        { kid: undefined, jku: "https://attacker.example/.well-known/jwks.json" },
        { kid: key.kid, jku: "https://attacker.example/.well-known/jwks.json" },
        { kid: key.kid, x5u: "https://attacker.example/attacker.pem" },
        ...(certificate.length ? [{ kid: undefined, x5c: certificate }, { kid: key.kid, x5c: certificate }] : []),
      ];
      for (const header of headers) {
        await expectRefused(kind, key, tokenSignedBy(kind, attacker, clock, { header }));
      }
      expect(fetchSpy).not.toHaveBeenCalled();
    });

    it.each(ASYMMETRIC_ALGORITHMS)("(the %s attacker certificate is a real self-signed certificate for the attacker's key)", (alg) => {
      const attacker = knownKey(alg, "attacker");
      const certificate = new X509Certificate(Buffer.from(selfSignedCertificate(privateKeyOf(attacker), alg), "base64"));
      expect(certificate.verify(createPublicKey(privateKeyOf(attacker)))).toBe(true);
    });
  });

  describe("critical extensions and unencoded payloads are refused (RFC 7515 §4.1.11, RFC 7797)", () => {
    const HEADERS: { name: string; header: Record<string, unknown> }[] = [
      { name: "an unknown critical extension", header: { crit: ["urn:example:unknown"], "urn:example:unknown": true } },
      { name: "a critical extension that is absent", header: { crit: ["urn:example:unknown"] } },
      { name: "an empty crit", header: { crit: [] } },
      { name: "a crit that is not an array", header: { crit: "urn:example:unknown", "urn:example:unknown": true } },
      { name: "a crit naming a registered claim", header: { crit: ["exp"], exp: 9_999_999_999 } },
      { name: 'b64: false (the signature is valid over the literal segments)', header: { crit: ["b64"], b64: false } },
    ];

    it.each(HEADERS)("$name", async ({ header }) => {
      for (const alg of MANAGER_ALGORITHMS) {
        const key = knownKey(alg);
        const { clock } = await managerHolding(key);
        await expectRefused(kind, key, tokenSignedBy(kind, key, clock, { header }));
      }
    });
  });

  describe("typ must name this kind of token (RFC 8725 §3.11, RFC 9068 §4)", () => {
    const other = TOKEN_KINDS.find((candidate) => candidate.typ !== kind.typ) as TokenKind;
    const key = knownKey("HS256");

    it(`accepts "${kind.typ}" with or without "application/" and in any case (RFC 7515 §4.1.9: media types are case-insensitive)`, async () => {
      const { tokens, clock } = await managerHolding(key);
      for (const typ of [kind.typ, kind.typ.toUpperCase(), `application/${kind.typ}`, `Application/${kind.typ.toUpperCase()}`]) {
        await expect(kind.present(tokens, tokenSignedBy(kind, key, clock, { header: { typ } })), typ).resolves.toBeDefined();
      }
    });

    it.each([
      { name: "a missing typ", typ: undefined },
      { name: '"JWT"', typ: "JWT" },
      { name: '"jwt"', typ: "jwt" },
      { name: '"application/jwt"', typ: "application/jwt" },
      { name: `the other kind's "${other.typ}"`, typ: other.typ },
      { name: `"application/${other.typ}"`, typ: `application/${other.typ}` },
      { name: "our typ with a trailing space", typ: `${kind.typ} ` },
      { name: "our typ with a leading space", typ: ` ${kind.typ}` },
      { name: "our typ with a parameter", typ: `${kind.typ}; charset=utf-8` },
      { name: "our typ under a doubled application/", typ: `application/application/${kind.typ}` },
      { name: "our typ with a prefix", typ: `x-${kind.typ}` },
      { name: "an empty typ", typ: "" },
      { name: "a number", typ: 42 },
      { name: "an array holding our typ", typ: [kind.typ] },
      { name: "null", typ: null },
    ])("refuses $name", async ({ typ }) => {
      const { clock } = await managerHolding(key);
      await expectRefused(kind, key, tokenSignedBy(kind, key, clock, { header: { typ } }), "typ");
    });

    it(`refuses a genuine ${other.name} issued by the same manager`, async () => {
      const { tokens } = await managerHolding(key);
      const pair = await tokens.issue({ subject: "u" });
      const genuineOther = kind.typ === "at+jwt" ? pair.refreshToken : pair.accessToken;
      await expect(kind.present(tokens, genuineOther)).rejects.toMatchObject(refusal(kind));
    });
  });
});

function publicKeyOf(jwk: Jwk) {
  return createPublicKey({ key: jwk as never, format: "jwk" });
}

function spki(jwk: Jwk, format: "pem"): string {
  return publicKeyOf(jwk).export({ type: "spki", format }).toString();
}

function spkiDer(jwk: Jwk): Uint8Array {
  return new Uint8Array(publicKeyOf(jwk).export({ type: "spki", format: "der" }));
}

function base64UrlBytes(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(String(value), "base64url"));
}

/** The RFC 7638 §3.2 members of a public JWK, in lexicographic order, without whitespace. */
function thumbprintJson(jwk: Jwk): string {
  const members: Readonly<Record<string, readonly string[]>> = { EC: ["crv", "kty", "x", "y"], OKP: ["crv", "kty", "x"], RSA: ["e", "kty", "n"] };
  return JSON.stringify(Object.fromEntries((members[jwk.kty ?? ""] ?? []).map((name) => [name, jwk[name]])));
}

/** The attacker's public key as a JWK: `oct` with the secret for HMAC, else the public half. */
function embeddedJwk(attacker: KnownKey): Record<string, unknown> {
  if (attacker.signer instanceof Uint8Array) return { kty: "oct", k: Buffer.from(attacker.signer).toString("base64url") };
  return { ...createPublicKey(privateKeyOf(attacker)).export({ format: "jwk" }) };
}
