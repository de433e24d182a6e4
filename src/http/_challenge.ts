/** Building RFC 6750 challenges and JSON error bodies. Internal. */

/** RFC 6750 §3: error_description may hold only %x20-21 / %x23-5B / %x5D-7E. */
export function safeDescription(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "").slice(0, 200);
}

/** Quotes an auth-param value (RFC 9110 §5.6.4) after reducing it to the safe set. */
export function quoted(value: string): string {
  return `"${safeDescription(value)}"`;
}

/** Headers every response that carries or concerns tokens must have (RFC 6749 §5.1). */
export function noStoreHeaders(extra?: HeadersInit): Headers {
  const headers = new Headers(extra);
  headers.set("Cache-Control", "no-store");
  headers.set("Pragma", "no-cache");
  return headers;
}
