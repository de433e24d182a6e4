/**
 * Debian's Chromium driven by playwright-core — never a browser download — in a fresh profile.
 * Where /usr/bin/chromium is missing, the suite is skipped with a message saying so, or fails
 * under TOKENWISE_REQUIRE_SERVICES=1 (set by CI, whose .ci/run installs it).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** A host name the browser resolves to 127.0.0.1: plain http there is not a secure context. */
export const INSECURE_HOST = "tokenwise.test";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
];

export interface Chromium {
  /** One browser profile: its pages are tabs of one browser, sharing locks, storage and cookies. */
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium, or says why it cannot. */
export async function launchChromium(): Promise<Chromium | string> {
  if (!existsSync(CHROMIUM)) return `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`;
  const profile = mkdtempSync(join(tmpdir(), "tokenwise-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
