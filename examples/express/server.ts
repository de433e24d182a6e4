/** Serves the Express example: PORT=3000 npx tsx examples/express/server.ts */
import { generateSigningKey, MemoryRefreshTokenStore, TokenManager } from "tokenwise";
import { createApp } from "./app.js";

const tokens = new TokenManager<{ role: string }>({
  issuer: "http://127.0.0.1",
  audience: "api",
  signingKeys: [await generateSigningKey("EdDSA")],
  store: new MemoryRefreshTokenStore(),
});
const port = Number(process.env.PORT ?? 3000);
createApp(tokens).listen(port, "127.0.0.1", () => console.log(`Express example on http://127.0.0.1:${port}`));
