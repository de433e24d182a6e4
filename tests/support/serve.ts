/** Serves a Web fetch handler on a real 127.0.0.1 port and counts requests per path. */
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";

export interface RunningServer {
  url: string;
  /** Requests seen, by "METHOD /path". */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function serve(handler: (request: Request) => Response | Promise<Response>): Promise<RunningServer> {
  const hits = new Map<string, number>();
  const server = createAdaptorServer({
    fetch: (request: Request) => {
      const key = `${request.method} ${new URL(request.url).pathname}`;
      hits.set(key, (hits.get(key) ?? 0) + 1);
      return handler(request);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Requests still waiting (a refresh held open by a test, its client long gone) end now.
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
