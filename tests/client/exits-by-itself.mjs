// A Node process holding a crossTab client that is never closed, with a refresh waiting on its
// 30 s timeout: it must exit as soon as its own work is done. Run by close.test.ts; prints
// "started" once the refresh is under way. Takes the built package's path as its argument.
import "fake-indexeddb/auto";

// Web Locks, as a browser grants an uncontended lock: at once.
Object.defineProperty(globalThis, "navigator", { value: { locks: { request: (_name, _options, work) => Promise.resolve().then(work) } }, configurable: true });
const { TokenClient } = await import(process.argv[2]);
const refresh = Object.assign(() => new Promise(() => undefined), { url: "http://127.0.0.1:9/refresh" }); // never answers
const api = new TokenClient({ refresh, crossTab: "exits-by-itself", refreshTimeout: 30 });
await api.setTokens({ accessToken: "a", refreshToken: "r", expiresAt: 0 });
void api.getTokens().catch(() => undefined);
console.log("started");
