// Raw Redis commands on every runtime, for the smoke suite's Redis check: Bun's built-in client
// where there is one, elsewhere a minimal RESP2 client over node:net (Node, Deno). Either is all
// a RedisClient needs: EVALSHA and EVAL sent as raw commands.
import { connect } from "node:net";

/** Connects to Redis; null when nothing answers. Resolves to { name, send(args), close() }. */
export async function connectRedis(host, port) {
  if (globalThis.Bun) {
    const client = new Bun.RedisClient(`redis://${host}:${port}`, { autoReconnect: false });
    try {
      await client.send("PING", []);
    } catch {
      return null;
    }
    return { name: "Bun.RedisClient", send: ([command, ...args]) => client.send(command, args.map(String)), close: () => client.close() };
  }
  const socket = connect({ host, port });
  try {
    await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  } catch {
    return null;
  }
  return { name: "a RESP client over node:net", ...respOver(socket) };
}

/** Deletes every key matching `pattern` (SCAN + DEL); returns how many. */
export async function deleteKeys(redis, pattern) {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.send(["SCAN", cursor, "MATCH", pattern, "COUNT", 500]);
    if (keys.length > 0) deleted += await redis.send(["DEL", ...keys]);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}

function respOver(socket) {
  const waiting = [];
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let reply = parse(buffer, 0); reply; reply = parse(buffer, 0)) {
      buffer = buffer.subarray(reply.end);
      const waiter = waiting.shift();
      if (reply.value instanceof Error) waiter.reject(reply.value);
      else waiter.resolve(reply.value);
    }
  });
  socket.on("error", (error) => {
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  });
  const send = (args) =>
    new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`).join("")}`);
    });
  return { send, close: () => socket.end() };
}

/** One RESP2 reply starting at `start`: { value, end }, or null until more bytes arrive. An error reply becomes an Error. */
function parse(buffer, start) {
  const lineEnd = buffer.indexOf("\r\n", start);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buffer[start]);
  const line = buffer.toString("utf8", start + 1, lineEnd);
  let end = lineEnd + 2;
  if (type === "+") return { value: line, end };
  if (type === "-") return { value: new Error(line), end };
  if (type === ":") return { value: Number(line), end };
  const length = Number(line);
  if (length < 0) return { value: null, end };
  if (type === "$") return buffer.length < end + length + 2 ? null : { value: buffer.toString("utf8", end, end + length), end: end + length + 2 };
  const items = [];
  for (let i = 0; i < length; i++) {
    const item = parse(buffer, end);
    if (!item) return null;
    items.push(item.value);
    end = item.end;
  }
  return { value: items, end };
}
