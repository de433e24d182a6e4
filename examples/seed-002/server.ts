/**
 * Serves seed 002's API: PORT=8002 npx tsx examples/seed-002/server.ts
 * REUSE_GRACE_SECONDS=10 opens a grace window for a rotated-out refresh token (default 0: refused at once).
 */
import { serve } from "@hono/node-server";
import { createSeed002App, reuseGraceSecondsFrom } from "./app.js";

const reuseGraceSeconds = reuseGraceSecondsFrom(process.env);
const { fetch } = await createSeed002App({ reuseGraceSeconds });
serve({ fetch, port: Number(process.env.PORT ?? 8002), hostname: "127.0.0.1" }, ({ port }) =>
  console.log(`seed 002 API on http://127.0.0.1:${port} (reuse grace ${reuseGraceSeconds} s)`),
);
