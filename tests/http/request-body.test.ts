import http from "node:http";
import { readRefreshToken } from "tokenwise/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type RunningServer } from "../support/serve.js";

/** One keep-alive connection, reused by every request, as a browser or a proxy would. */
function keepAliveClient(base: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (path: string, body?: string, chunked = false) =>
    new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
      if (body !== undefined && !chunked) headers["content-length"] = String(Buffer.byteLength(body));
      const request = http.request(`${base}${path}`, { method: body === undefined ? "GET" : "POST", agent, headers }, (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      });
      request.on("error", reject);
      if (chunked && body !== undefined) for (let at = 0; at < body.length; at += 8192) request.write(body.slice(at, at + 8192));
      request.end(body === undefined || chunked ? undefined : body);
    });
  return { send, close: () => agent.destroy() };
}

describe("readRefreshToken over a real keep-alive connection", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(async (request) => {
      if (new URL(request.url).pathname === "/ping") return new Response("pong");
      return readRefreshToken(request).then(
        () => new Response("read"),
        (error: { status: number }) => new Response(null, { status: error.status }),
      );
    });
  });
  afterAll(() => server.close());

  for (const [framing, chunked] of [["a declared Content-Length", false], ["chunked framing", true]] as const) {
    it(`an oversized body with ${framing} is refused and does not cost the connection's next requests`, async () => {
      const client = keepAliveClient(server.url);
      const oversized = JSON.stringify({ refresh_token: "x".repeat(300_000) });
      const statuses: number[] = [];
      try {
        for (let round = 0; round < 3; round++) {
          statuses.push(await client.send("/refresh", oversized, chunked));
          // Spread the follow-ups over more than the server's 500 ms drain window.
          for (let follow = 0; follow < 4; follow++) {
            statuses.push(await client.send("/ping"));
            await new Promise((resolve) => setTimeout(resolve, 150));
          }
        }
      } finally {
        client.close();
      }
      expect(statuses).toEqual([400, 200, 200, 200, 200, 400, 200, 200, 200, 200, 400, 200, 200, 200, 200]);
    });
  }
});

describe("readRefreshToken and the body stream", () => {
  const streamed = (stream: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    new Request("http://api.test/refresh", { method: "POST", body: stream, headers: { "content-type": "application/json", ...headers }, duplex: "half" } as RequestInit);

  /** A body that never sends a byte, and records whether it was cancelled. */
  const silentBody = () => {
    const observed = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({ pull: () => void observed.pulled++, cancel: () => void (observed.cancelled = true) }, { highWaterMark: 0 });
    return { stream, observed };
  };

  it("refuses a body declared over the limit at once, without waiting for the client to send it", async () => {
    const { stream } = silentBody();
    await expect(readRefreshToken(streamed(stream, { "content-length": "999999" }))).rejects.toMatchObject({ code: "invalid_request", status: 400 });
  });

  it("cancels without reading a body declared larger than it is worth draining", async () => {
    const { stream, observed } = silentBody();
    await expect(readRefreshToken(streamed(stream, { "content-length": String(2 ** 30) }))).rejects.toMatchObject({ code: "invalid_request" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(observed).toEqual({ cancelled: true, pulled: 0 });
  });

  it("turns a body stream that fails into invalid_request, keeping its error as cause", async () => {
    const failure = new Error("connection reset by peer");
    const stream = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(failure) });
    const error = await readRefreshToken(streamed(stream)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "invalid_request", status: 400, cause: failure });
  });
});
