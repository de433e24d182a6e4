/** Serves the Hono example on Node: PORT=3000 npx tsx examples/hono/server.ts */
import { serve } from "@hono/node-server";
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { createApp } from "./app.js";

const tokens = new TokenManager<{ role: string }>({
  issuer: "http://127.0.0.1",
  audience: "api",
  signingKeys: [await generateSigningKey("EdDSA")],
  store: new MemoryRefreshTokenStore(),
});
serve({ fetch: createApp(tokens).fetch, port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1" }, ({ port }) =>
  console.log(`Hono example on http://127.0.0.1:${port}`),
);
