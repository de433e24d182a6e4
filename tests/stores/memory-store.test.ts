/**
 * What `MemoryRefreshTokenStore` promises beyond the contract (which the kit checks in
 * memory.test.ts): purging in batches that yield, at a cost set by what has ended; operations
 * interleaved with a purge; compacted spent tokens; copies in and out. Behaviour only: timing is
 * scripts/memory-store-scale.ts's business.
 */
import { createHash, randomBytes } from "node:crypto";
import { hashRefreshToken, MemoryRefreshTokenStore, type RefreshTokenRecord, type SessionRecord } from "tokenwise";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHarness, errorCodeOf } from "../core/fixtures.js";

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const at = (minutes: number): Date => new Date(START + minutes * MINUTE);
const newHash = (): string => createHash("sha256").update(randomBytes(32)).digest("hex");
const seal = (): string => randomBytes(32).toString("base64url");

function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomBytes(16).toString("base64url"),
    subject: "alice",
    claims: { roles: ["admin"], nested: { level: 2, none: null }, name: "Zoë \u{1F511}" },
    metadata: { ip: "127.0.0.1" },
    createdAt: at(0),
    lastUsedAt: at(0),
    expiresAt: at(60),
    revokedAt: null,
    issuer: "https://auth.example.test",
    audience: "api",
    ...overrides,
  };
}

function tokenRecord(session: SessionRecord, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return { hash: newHash(), sessionId: session.id, issuedAt: at(0), expiresAt: session.expiresAt, spentAt: null, successorHash: null, sealedSuccessor: null, ...overrides };
}

/** Stores `count` sessions of one token each, ending at `endsAt` minutes. */
async function seedSessions(store: MemoryRefreshTokenStore, count: number, endsAt: number): Promise<{ session: SessionRecord; token: RefreshTokenRecord }[]> {
  const seeded = [];
  for (let index = 0; index < count; index++) {
    const session = sessionRecord({ subject: `user-${index}`, expiresAt: at(endsAt) });
    const token = tokenRecord(session);
    await store.createSession(session, token);
    seeded.push({ session, token });
  }
  return seeded;
}

/** How many times `purgeExpired` yielded to the event loop (each yield is one `setTimeout`). */
async function purgeCountingYields(store: MemoryRefreshTokenStore, when: Date): Promise<{ deleted: number; yields: number }> {
  const spy = vi.spyOn(globalThis, "setTimeout");
  try {
    const deleted = await store.purgeExpired(when);
    return { deleted, yields: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => void vi.restoreAllMocks());

describe("purgeExpired works in batches and yields to the event loop between them", () => {
  it("lets another timer run between batches when there is much to delete", async () => {
    const store = new MemoryRefreshTokenStore({ purgeBatchSize: 10 });
    await seedSessions(store, 100, 30);
    let finished = false;
    const purge = store.purgeExpired(at(30)).then((deleted) => ((finished = true), deleted));
    const interleaved = await new Promise<boolean>((resolve) => setTimeout(() => resolve(!finished), 0));
    expect(interleaved, "a timer ran while the purge was still going").toBe(true);
    expect(await purge).toBe(200);
  });

  it("refuses a batch size that is not a positive whole number", () => {
    for (const purgeBatchSize of [0, -1, 1.5, Number.NaN]) expect(() => new MemoryRefreshTokenStore({ purgeBatchSize })).toThrow(TypeError);
  });
});

describe("purgeExpired costs what has ended, not what is stored", () => {
  it("with nothing ended, completes without a single batch boundary, however many sessions are stored", async () => {
    const store = new MemoryRefreshTokenStore({ purgeBatchSize: 1 });
    await seedSessions(store, 2_000, 60);
    expect(await purgeCountingYields(store, at(59))).toEqual({ deleted: 0, yields: 0 });
  });

  it("with a few sessions ended among many, yields in proportion to the few", async () => {
    const store = new MemoryRefreshTokenStore({ purgeBatchSize: 1 });
    await seedSessions(store, 2_000, 60);
    const ending = await seedSessions(store, 5, 10);
    const { deleted, yields } = await purgeCountingYields(store, at(10));
    expect(deleted).toBe(10);
    // One unit per index entry popped (the session's end and its token's expiry) plus the rows it deletes.
    expect(yields).toBeLessThanOrEqual(ending.length * 4);
    for (const { session } of ending) expect(await store.findSession(session.id)).toBeNull();
  });

  it("deletes a session's expired tokens one by one and the rest with the session, counting each row once", async () => {
    const store = new MemoryRefreshTokenStore({ purgeBatchSize: 3 });
    const session = sessionRecord({ expiresAt: at(24 * 60) });
    let head = tokenRecord(session, { expiresAt: at(10) });
    await store.createSession(session, head);
    let deleted = 0;
    for (let minute = 5; minute <= 300; minute += 5) {
      const successor = tokenRecord(session, { issuedAt: at(minute), expiresAt: at(minute + 10) });
      expect(await store.spendToken({ hash: head.hash, at: at(minute), successor, sealedSuccessor: seal() })).toBe(true);
      head = successor;
      if (minute % 25 === 0) deleted += await store.purgeExpired(at(minute));
    }
    // 61 tokens in all: by minute 300 every one but those issued at 295 and 300 has expired; those two go with the session.
    await store.revokeSession(session.id, at(301));
    deleted += await store.purgeExpired(at(301));
    expect(deleted).toBe(61 + 1);
    expect(await store.findToken(head.hash)).toBeNull();
  });
});

describe("operations interleaved with a purge stay correct", () => {
  it("a spend between batches succeeds in a live session, fails in an ended one, and the purge counts only what ended", async () => {
    const store = new MemoryRefreshTokenStore({ purgeBatchSize: 5 });
    const ended = await seedSessions(store, 50, 30);
    const [live] = await seedSessions(store, 1, 120);
    const lastEnded = ended.at(-1);
    if (!live || !lastEnded) throw new Error("seeding failed");
    const purge = store.purgeExpired(at(30));
    const liveSuccessor = tokenRecord(live.session, { issuedAt: at(30) });
    const endedSuccessor = tokenRecord(lastEnded.session, { issuedAt: at(30) });
    const spends = await new Promise<boolean[]>((resolve) =>
      setTimeout(async () => {
        resolve([
          await store.spendToken({ hash: live.token.hash, at: at(30), successor: liveSuccessor, sealedSuccessor: seal() }),
          await store.spendToken({ hash: lastEnded.token.hash, at: at(30), successor: endedSuccessor, sealedSuccessor: seal() }),
        ]);
      }, 0),
    );
    expect(spends).toEqual([true, false]);
    expect(await purge).toBe(100);
    expect((await store.findToken(live.token.hash))?.token.successorHash).toBe(liveSuccessor.hash);
    expect((await store.findToken(liveSuccessor.hash))?.token.spentAt).toBeNull();
    expect(await store.findToken(endedSuccessor.hash)).toBeNull();
    for (const { session } of ended) expect(await store.findSession(session.id)).toBeNull();
  });

  it("a session revoked during a purge is deleted by that purge or the next, with its tokens", async () => {
    const store = new MemoryRefreshTokenStore({ purgeBatchSize: 5 });
    await seedSessions(store, 50, 30);
    const [live] = await seedSessions(store, 1, 120);
    if (!live) throw new Error("seeding failed");
    const purge = store.purgeExpired(at(30));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await store.revokeSession(live.session.id, at(30))).toBe(true);
    const deleted = (await purge) + (await store.purgeExpired(at(30)));
    expect(deleted).toBe(102);
    expect(await store.findToken(live.token.hash)).toBeNull();
  });
});

describe("spent tokens whose successor is spent keep what reuse detection needs", () => {
  it("forgets the seal once the successor is spent, and keeps it while the successor is unspent", async () => {
    const store = new MemoryRefreshTokenStore();
    const session = sessionRecord();
    const first = tokenRecord(session);
    await store.createSession(session, first);
    const second = tokenRecord(session, { issuedAt: at(1) });
    const third = tokenRecord(session, { issuedAt: at(2) });
    const seals = [seal(), seal()];
    expect(await store.spendToken({ hash: first.hash, at: at(1), successor: second, sealedSuccessor: seals[0] as string })).toBe(true);
    expect((await store.findToken(first.hash))?.token.sealedSuccessor).toBe(seals[0]);
    expect(await store.spendToken({ hash: second.hash, at: at(2), successor: third, sealedSuccessor: seals[1] as string })).toBe(true);
    expect((await store.findToken(first.hash))?.token).toEqual({ ...first, spentAt: at(1), successorHash: second.hash, sealedSuccessor: null });
    expect((await store.findToken(second.hash))?.token.sealedSuccessor).toBe(seals[1]);
    // The winning call, retried, still answers true: the successor hash is kept.
    expect(await store.spendToken({ hash: first.hash, at: at(3), successor: second, sealedSuccessor: seals[0] as string })).toBe(true);
  });

  it("through TokenManager, presenting a compacted token within the grace window is reuse and revokes the session", async () => {
    const { tokens, store, clock } = await createHarness({ reuseGraceSeconds: 60 });
    const first = await tokens.issue({ subject: "alice" });
    const second = await tokens.refresh(first.refreshToken);
    clock.advance(1);
    const third = await tokens.refresh(second.refreshToken);
    expect((await store.findToken(hashRefreshToken(first.refreshToken)))?.token.sealedSuccessor).toBeNull();
    expect(await errorCodeOf(() => tokens.refresh(first.refreshToken))).toBe("refresh_token_reused");
    expect((await store.findSession(first.sessionId))?.revokedAt).not.toBeNull();
    expect(await errorCodeOf(() => tokens.refresh(third.refreshToken))).toBe("session_revoked");
  });
});

describe("records are copied in and out", () => {
  it("mutating what the caller handed in or got back never changes the stored state", async () => {
    const store = new MemoryRefreshTokenStore();
    const session = sessionRecord();
    const token = tokenRecord(session);
    const expected = { session: structuredClone(session), token: structuredClone(token) };
    await store.createSession(session, token);
    (session.claims.roles as string[]).push("root");
    session.metadata.ip = "10.0.0.1";
    session.expiresAt.setTime(0);
    token.expiresAt.setTime(0);
    token.spentAt = at(1);
    expect(await store.findToken(expected.token.hash)).toEqual(expected);
    const found = await store.findSession(session.id);
    if (!found) throw new Error("session missing");
    (found.claims.nested as { level: number }).level = 99;
    found.revokedAt = at(2);
    expect(await store.findSession(session.id)).toEqual(expected.session);
  });

  it("claims and metadata come back as equal JSON, every time a fresh object", async () => {
    const store = new MemoryRefreshTokenStore();
    const claims = { a: [1, 2.5, -0.125, { b: "c" }], deep: { deeper: { deepest: [true, false, null] } }, text: "\u0000\u2028\"'\\", "key with spaces": 1 };
    const session = sessionRecord({ claims, metadata: { device: { os: "Linux" } } });
    await store.createSession(session, tokenRecord(session));
    const [one, two] = [await store.findSession(session.id), await store.findSession(session.id)];
    expect(one?.claims).toEqual(claims);
    expect(one?.metadata).toEqual({ device: { os: "Linux" } });
    expect(one?.claims).not.toBe(two?.claims);
  });
});

describe("rows freed by a purge are reused without mixing records", () => {
  it("sessions created after a purge read as themselves, and purged hashes stay unknown", async () => {
    const store = new MemoryRefreshTokenStore();
    const gone = await seedSessions(store, 20, 10);
    expect(await store.purgeExpired(at(10))).toBe(40);
    const fresh = await seedSessions(store, 20, 60);
    for (const { token } of gone) expect(await store.findToken(token.hash)).toBeNull();
    for (const { session, token } of fresh) expect(await store.findToken(token.hash)).toEqual({ session, token });
    expect(await store.listSessions("user-3", at(11))).toEqual([fresh[3]?.session]);
  });
});
