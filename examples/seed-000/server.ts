/** Serves seed 000's API: PORT=8000 npx tsx examples/seed-000/server.ts */
import { serve } from "@hono/node-server";
import { createSeed000App } from "./app.js";

const { fetch } = await createSeed000App();
serve({ fetch, port: Number(process.env.PORT ?? 8000), hostname: "127.0.0.1" }, ({ port }) => console.log(`seed 000 API on http://127.0.0.1:${port}`));
