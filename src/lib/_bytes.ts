/** Byte helpers shared by the core. Internal: not exported from the package. */

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

const BASE64URL = Array.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", (char) => char.charCodeAt(0));
const HEX = Array.from("0123456789abcdef", (char) => char.charCodeAt(0));

/**
 * A string of char codes, made in one piece: appending with `+=` leaves V8 a rope of one node
 * per step (about 1.5 kB for a 64-character hash) until something flattens it, and hashes are
 * kept by the million in the memory store. Chunked to stay clear of argument-count limits.
 */
function fromCharCodes(codes: number[]): string {
  const CHUNK = 8192;
  if (codes.length <= CHUNK) return String.fromCharCode(...codes);
  const parts: string[] = [];
  for (let start = 0; start < codes.length; start += CHUNK) parts.push(String.fromCharCode(...codes.slice(start, start + CHUNK)));
  return parts.join("");
}

/** Unpadded base64url (RFC 4648 §5) of bytes. */
export function toBase64Url(bytes: Uint8Array): string {
  const codes: number[] = [];
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const group = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    codes.push(BASE64URL[group >> 18] as number, BASE64URL[(group >> 12) & 63] as number, BASE64URL[(group >> 6) & 63] as number, BASE64URL[group & 63] as number);
  }
  if (whole < bytes.length) {
    // One or two trailing bytes: two or three characters, no padding (§5, §3.2).
    const group = ((bytes[whole] as number) << 16) | ((bytes[whole + 1] ?? 0) << 8);
    codes.push(BASE64URL[group >> 18] as number, BASE64URL[(group >> 12) & 63] as number);
    if (whole + 1 < bytes.length) codes.push(BASE64URL[(group >> 6) & 63] as number);
  }
  return fromCharCodes(codes);
}

/** Digit value of each ASCII char code in the base64url alphabet; -1 for every other. */
const DIGITS = new Int8Array(128).fill(-1);
BASE64URL.forEach((code, digit) => (DIGITS[code] = digit));

/**
 * Decodes unpadded base64url; `null` when the text is not base64url. Like `atob`, bits left over
 * after the last whole byte are ignored.
 */
export function fromBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const bytes = new Uint8Array((text.length * 3) >> 2);
  let buffered = 0;
  let bits = 0;
  let written = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? (DIGITS[code] as number) : -1;
    if (digit < 0) return null;
    buffered = ((buffered << 6) | digit) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written++] = buffered >> bits;
    }
  }
  return bytes;
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  const codes: number[] = [];
  for (const byte of bytes) codes.push(HEX[byte >> 4] as number, HEX[byte & 15] as number);
  return fromCharCodes(codes);
}

/**
 * Compares two strings in time that depends only on their lengths, never on where they differ.
 * `@noble/hashes` ships no such helper, and `node:crypto.timingSafeEqual` is Node-only.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** XOR of two equally long byte arrays. */
export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}
