// Serves a fetch handler on 127.0.0.1 with the runtime's own server: Deno.serve, Bun.serve, or
// node:http on Node. Resolves to the server's origin and a close function.

/** @param {(request: Request) => Response | Promise<Response>} handler */
export async function serve(handler) {
  if (globalThis.Deno) {
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
    return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
  }
  if (globalThis.Bun) {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
    return { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
  }
  const { createServer } = await import("node:http");
  const server = createServer(async (incoming, outgoing) => {
    const response = await handler(new Request(`http://127.0.0.1${incoming.url}`, { method: incoming.method, headers: incoming.headers }));
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(new Uint8Array(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The runtime's name and version, for reports. */
export const runtimeName = globalThis.Deno ? `Deno ${Deno.version.deno}` : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.version}`;
