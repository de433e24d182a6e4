import { afterEach, describe, expect, it, vi } from "vitest";
import { installTabs } from "../support/fake-tabs.js";
import { closeAll, startApi } from "./api.js";

afterEach(async () => {
  await closeAll();
  vi.unstubAllGlobals();
});

/** An API whose refresh waits until `open()`; `arrived` resolves when a refresh request came in. */
async function slowRefreshApi() {
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let arrived = (): void => undefined;
  const refreshing = new Promise<void>((resolve) => (arrived = resolve));
  const api = await startApi({ beforeRefresh: () => (arrived(), gate) });
  return { api, open, refreshing };
}

describe("an AbortSignal on fetch", () => {
  it("rejects the caller at once with an AbortError while the refresh runs on and serves the others", async () => {
    const { api, open, refreshing } = await slowRefreshApi();
    const client = api.client();
    await client.setTokens(await api.login());
    api.clock.advance(910);
    const controller = new AbortController();
    const aborted = client.fetch(`${api.server.url}/data`, { signal: controller.signal });
    const patient = client.fetch(`${api.server.url}/data`);
    await refreshing;
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    expect(api.refreshes()).toBe(1);
    open();
    expect((await patient).status).toBe(200);
    expect(api.refreshes()).toBe(1);
    expect(api.server.hits.get("GET /data")).toBe(1);
  });

  it("rejects with the signal's own reason, and at once when it was aborted before the call", async () => {
    const api = await startApi();
    const client = api.client();
    await client.setTokens(await api.login());
    api.clock.advance(910);
    const reason = new Error("the user navigated away");
    await expect(client.fetch(`${api.server.url}/data`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it("aborts the wait for another tab's lock", async () => {
    const { locks } = installTabs();
    const api = await startApi();
    const client = api.client({ crossTab: "shop" });
    await client.setTokens(await api.login());
    let unlock = (): void => undefined;
    void locks.request("tokenwise:shop", () => new Promise<void>((resolve) => (unlock = resolve)));
    api.clock.advance(910);
    const controller = new AbortController();
    const waiting = client.fetch(`${api.server.url}/data`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    unlock();
  });
});

describe("refreshTimeout", () => {
  it("aborts a refresh request that does not answer in time: refresh_failed (timeout), tokens kept, the next call tries again", async () => {
    const { api, open } = await slowRefreshApi();
    const client = api.client({ refreshTimeout: 1 });
    const login = await api.login();
    await client.setTokens(login);
    api.clock.advance(910);
    const started = Date.now();
    await expect(client.fetch(`${api.server.url}/data`)).rejects.toMatchObject({ code: "refresh_failed", reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(2500);
    open();
    expect(await client.getTokens()).not.toEqual(login);
  });

  it("refuses negative, infinite or non-numeric durations with invalid_config naming the option", async () => {
    const api = await startApi();
    for (const option of ["refreshTimeout", "lockTimeout", "refreshMargin"] as const) {
      for (const value of [-1, Number.POSITIVE_INFINITY, Number.NaN, "10s"]) {
        expect(() => api.client({ [option]: value as number }), `${option}: ${value}`).toThrow(expect.objectContaining({ code: "invalid_config", option }));
      }
    }
  });
});
