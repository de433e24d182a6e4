// TokenClient in a real browser: Debian's Chromium, pages of one profile as tabs, the built
// package bundled into the page, the real server side on 127.0.0.1 counting refresh requests.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../examples/run-example.js";
import { openOrSkip } from "../stores/databases.js";
import { until } from "../support/until.js";
import { startBrowserApp, type BrowserApp, type BrowserAppOptions } from "./app.js";
import { INSECURE_HOST, launchChromium } from "./chromium.js";
import type { PageClientOptions } from "./page.js";

const ROUNDS = 40;
const browser = await openOrSkip(launchChromium);
let apps: BrowserApp[] = [];
let pages: Page[] = [];

beforeAll(() => {
  if (browser && !existsSync(join(ROOT, "dist", "client", "index.js"))) throw new Error("run `npm run build` first: the page bundles the built package");
});
afterEach(async () => {
  await Promise.all(pages.map((page) => page.close()));
  await Promise.all(apps.map((app) => app.close()));
  pages = [];
  apps = [];
});
afterAll(() => browser?.close());

async function app(options: BrowserAppOptions = {}): Promise<BrowserApp> {
  const started = await startBrowserApp(options);
  apps.push(started);
  return started;
}

/** A new tab on `host`, with its client made. */
async function tab(server: BrowserApp, options: PageClientOptions, host = "127.0.0.1"): Promise<Page> {
  const page = await (browser as NonNullable<typeof browser>).context.newPage();
  pages.push(page);
  await page.goto(`http://${host}:${server.port}/`);
  await page.waitForFunction(() => "tokenwiseTest" in window);
  expect(await page.evaluate((setup) => window.tokenwiseTest.open(setup), options)).toBeNull();
  return page;
}

async function reload(page: Page, options: PageClientOptions): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => "tokenwiseTest" in window);
  expect(await page.evaluate((setup) => window.tokenwiseTest.open(setup), options)).toBeNull();
}

const held = (page: Page): Promise<string | null> => page.evaluate(() => window.tokenwiseTest.held());
const calls = (page: Page, count: number) => page.evaluate((n) => window.tokenwiseTest.calls(n), count);
const expired = (page: Page): Promise<number> => page.evaluate(() => window.tokenwiseTest.expired());

/** Moves the server's clock and every page's by `seconds` more. */
async function advance(server: BrowserApp, tabs: Page[], seconds: number): Promise<void> {
  server.skewSeconds += seconds;
  await Promise.all(tabs.map((page) => page.evaluate((skew) => window.tokenwiseTest.setSkew(skew), server.skewSeconds)));
}

/** Two tabs of one origin, logged in in the first, both holding its tokens. */
async function twoTabs(server: BrowserApp, crossTab: string): Promise<[Page, Page]> {
  const first = await tab(server, { crossTab });
  const second = await tab(server, { crossTab });
  await first.evaluate(() => window.tokenwiseTest.login());
  const token = await held(first);
  await until(async () => (await held(second)) === token, "the second tab holds the login's tokens");
  return [first, second];
}

const EXPIRE = 910; // past the 900 s access token lifetime and the 5 s clock tolerance

describe.skipIf(!browser)("TokenClient in Chromium", () => {
  it("one tab: 20 concurrent calls with an expired token make one refresh request", async () => {
    const server = await app();
    const page = await tab(server, { crossTab: "one-tab" });
    await page.evaluate(() => window.tokenwiseTest.login());
    await advance(server, [page], EXPIRE);
    expect(await calls(page, 20)).toEqual(Array(20).fill(200));
    expect(server.refreshes).toBe(1);
  });

  it(`two tabs × 10 calls, ${ROUNDS} rounds, refresh token in the JSON body, reuseGraceSeconds 0: exactly one refresh per round, no reuse, both tabs end with the new tokens`, async () => {
    const server = await app({ reuseGraceSeconds: 0 });
    const tabs = await twoTabs(server, "two-tabs");
    const perRound: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await advance(server, tabs, EXPIRE);
      const before = server.refreshes;
      const outcomes = await Promise.all(tabs.map((page) => calls(page, 10)));
      perRound.push(server.refreshes - before);
      expect(outcomes.flat(), `round ${round}`).toEqual(Array(20).fill(200));
      const [first, second] = await Promise.all(tabs.map(held));
      expect(first, `round ${round}`).toBe(second);
    }
    console.info(`two tabs × 10 calls: refresh requests per round ${perRound.join(" ")}; reuse detections ${server.reuses}`);
    expect(perRound).toEqual(Array(ROUNDS).fill(1));
    expect(server.reuses).toBe(0);
    expect(await Promise.all(tabs.map(expired))).toEqual([0, 0]);
  }, 120_000);

  it("a tab closed mid-refresh: the other tab takes the lock and gets through", async () => {
    const server = await app({ reuseGraceSeconds: 10 }); // the closed tab's request may still spend the token
    const [closing, surviving] = await twoTabs(server, "closed-tab");
    await advance(server, [closing, surviving], EXPIRE);
    const hold = server.holdNextRefresh();
    void calls(closing, 3).catch(() => undefined); // its page goes away under it
    await hold.arrived;
    const fromSurvivor = calls(surviving, 5); // queued behind the closing tab's lock
    await closing.close();
    hold.release(); // answered into the void
    expect(await fromSurvivor).toEqual(Array(5).fill(200));
    expect(server.refreshes).toBe(2);
    expect(server.reuses).toBe(0);
    expect(await expired(surviving)).toBe(0);
  });

  it("a refused refresh ends the session once in each tab: one request, onSessionExpired once per tab", async () => {
    const server = await app();
    const tabs = await twoTabs(server, "refused");
    server.refusing = true;
    await advance(server, tabs, EXPIRE);
    const outcomes = await Promise.all(tabs.map((page) => calls(page, 10)));
    expect(new Set(outcomes.flat())).toEqual(new Set([401]));
    await until(async () => (await Promise.all(tabs.map(expired))).every((count) => count === 1), "each tab was told once");
    await new Promise((resolve) => setTimeout(resolve, 200)); // a late message would tell it twice
    expect(await Promise.all(tabs.map(expired))).toEqual([1, 1]);
    expect(await Promise.all(tabs.map(held))).toEqual([null, null]);
    expect(server.refreshes).toBe(1);
  });

  it("abort while refreshing: the aborted call rejects at about the abort time, the refresh goes on for the other call", async () => {
    const server = await app();
    const page = await tab(server, { crossTab: "abort" });
    await page.evaluate(() => window.tokenwiseTest.login());
    server.refreshDelayMs = 1500;
    await advance(server, [page], EXPIRE);
    const result = await page.evaluate(() => window.tokenwiseTest.abortDuringRefresh(200));
    console.info(`abort at 200 ms during a 1500 ms refresh: aborted call settled at ${result.abortedAfterMs} ms, the other at ${result.otherAfterMs} ms`);
    expect(result.aborted).toBe("AbortError");
    expect(result.abortedAfterMs).toBeLessThan(600);
    expect(result.other).toBe(200);
    expect(result.otherAfterMs).toBeGreaterThanOrEqual(1400);
    expect(server.refreshes).toBe(1);
  });

  it("reload with an HttpOnly refresh cookie and memory storage: the first call restores the session with one refresh; without the cookie, the session is over once", async () => {
    const server = await app({ cookie: { path: "/refresh" } }); // the defaults: __Secure-, Secure, which Chromium accepts on 127.0.0.1
    const setup = { cookie: true, crossTab: "reload" };
    const page = await tab(server, setup);
    await page.evaluate(() => window.tokenwiseTest.login(true));
    expect(await page.evaluate(() => window.tokenwiseTest.cookies())).toBe(""); // HttpOnly: out of the page's reach
    await reload(page, setup);
    expect(await held(page)).toBeNull();
    expect(await calls(page, 3)).toEqual([200, 200, 200]);
    expect(server.refreshes).toBe(1);
    expect(await expired(page)).toBe(0);

    await (browser as NonNullable<typeof browser>).context.clearCookies();
    await reload(page, setup);
    expect(await calls(page, 2)).toEqual([401, 401]);
    expect(await calls(page, 1)).toEqual([401]);
    expect(server.refreshes).toBe(2);
    expect(await expired(page)).toBe(1);
  });

  it(`plain http on a non-loopback host (${INSECURE_HOST}): crossTab is refused with invalid_config, and the README's local-development cookie works`, async () => {
    const server = await app({ cookie: { path: "/refresh", secure: false, name: "refresh_token" } });
    const page = await tab(server, {}, INSECURE_HOST);
    expect(await page.evaluate(() => window.tokenwiseTest.open({ crossTab: "insecure" }))).toBe("invalid_config");
    const setup = { cookie: true };
    expect(await page.evaluate((options) => window.tokenwiseTest.open(options), setup)).toBeNull();
    await page.evaluate(() => window.tokenwiseTest.login(true));
    await reload(page, setup);
    expect(await calls(page, 2)).toEqual([200, 200]);
    expect(server.refreshes).toBe(1);
  });
});
