/** Serves the Fastify example: PORT=3000 npx tsx examples/fastify/server.ts */
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { createApp } from "./app.js";

const tokens = new TokenManager<{ role: string }>({
  issuer: "http://127.0.0.1",
  audience: "api",
  signingKeys: [await generateSigningKey("EdDSA")],
  store: new MemoryRefreshTokenStore(),
});
const address = await createApp(tokens).listen({ port: Number(process.env.PORT ?? 3000), host: "127.0.0.1" });
console.log(`Fastify example on ${address}`);
