/** Serves seed 001's API: PORT=8001 npx tsx examples/seed-000/server.ts */
import { serve } from "@hono/node-server";
import { createSeed001App } from "./app.js";

const { fetch } = await createSeed001App();
serve({ fetch, port: Number(process.env.PORT ?? 8001), hostname: "127.0.0.1" }, ({ port }) => console.log(`seed 001 API on http://127.0.0.1:${port}`));
