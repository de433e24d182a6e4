/** Serves seed 002's API: PORT=8002 npx tsx examples/seed-000/server.ts */
import { serve } from "@hono/node-server";
import { createSeed002App } from "./app.js";

const { fetch } = await createSeed002App();
serve({ fetch, port: Number(process.env.PORT ?? 8002), hostname: "127.0.0.1" }, ({ port }) => console.log(`seed 002 API on http://127.0.0.1:${port}`));
