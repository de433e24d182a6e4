/**
 * Other spellings of a genuine compact JWS (RFC 7515 §7.1): padding, unused bits, whitespace,
 * the standard base64 alphabet, extra or empty segments. A lenient base64 decoder reads several
 * of them as the very same bytes, so only a canonical-form check can tell them apart.
 */

export interface Respelling {
  name: string;
  /** The respelled token; equal to the input when the respelling does not apply to it. */
  respell: (token: string) => string;
}

const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SEGMENTS = ["header", "payload", "signature"] as const;
const WHITESPACE: Readonly<Record<string, string>> = { "a space": " ", "a tab": "\t", "an LF": "\n", "a CRLF": "\r\n" };

function editSegment(token: string, index: number, edit: (segment: string) => string): string {
  return token
    .split(".")
    .map((segment, at) => (at === index ? edit(segment) : segment))
    .join(".");
}

function insertMiddle(text: string, insert: string): string {
  const middle = Math.floor(text.length / 2);
  return text.slice(0, middle) + insert + text.slice(middle);
}

/**
 * The same segment with every unused low bit of its last character set (RFC 4648 §3.5): a
 * length of 4n+2 leaves 4 unused bits, 4n+3 leaves 2, 4n none (then the segment is unchanged).
 */
export function withUnusedBitsSet(segment: string): string {
  const unusedBits = [0, 0, 4, 2][segment.length % 4] ?? 0;
  const last = BASE64URL_ALPHABET.indexOf(segment.charAt(segment.length - 1));
  return segment.slice(0, -1) + BASE64URL_ALPHABET.charAt(last | ((1 << unusedBits) - 1));
}

const toStandardBase64 = (text: string): string => text.replace(/-/g, "+").replace(/_/g, "/");

export const RESPELLINGS: readonly Respelling[] = [
  { name: "the signature padded with = to a multiple of four", respell: (token) => editSegment(token, 2, (s) => s + "=".repeat((4 - (s.length % 4)) % 4)) },
  { name: "one = after the signature", respell: (token) => `${token}=` },
  { name: "two = after the signature", respell: (token) => `${token}==` },
  ...SEGMENTS.map((name, index) => ({
    name: `non-zero unused bits in the ${name}'s last character`,
    respell: (token: string) => editSegment(token, index, withUnusedBitsSet),
  })),
  ...Object.entries(WHITESPACE).flatMap(([name, space]) => [
    { name: `${name} before the token`, respell: (token: string) => space + token },
    ...SEGMENTS.flatMap((segment, index) => [
      { name: `${name} inside the ${segment}`, respell: (token: string) => editSegment(token, index, (s) => insertMiddle(s, space)) },
      { name: `${name} after the ${segment}`, respell: (token: string) => editSegment(token, index, (s) => s + space) },
    ]),
  ]),
  { name: "the standard base64 alphabet (+ and /) in the signature", respell: (token) => editSegment(token, 2, toStandardBase64) },
  { name: "the standard base64 alphabet in every segment", respell: toStandardBase64 },
  { name: "a fourth, empty segment", respell: (token) => `${token}.` },
  { name: "a fourth segment repeating the signature", respell: (token) => `${token}.${token.split(".")[2]}` },
  { name: "a fourth segment holding {}", respell: (token) => `${token}.e30` },
  { name: "an empty header", respell: (token) => editSegment(token, 0, () => "") },
  { name: "an empty payload", respell: (token) => editSegment(token, 1, () => "") },
  { name: "an empty signature", respell: (token) => editSegment(token, 2, () => "") },
  { name: "a doubled dot", respell: (token) => token.replace(".", "..") },
  { name: "nothing but the dots", respell: () => ".." },
];

/**
 * The respellings an HTTP request can carry to the verifier as they are: header values cannot
 * hold CR or LF, lose surrounding whitespace (RFC 9110 §5.5), and `Bearer 1*SP token` (RFC 6750
 * §2.1) makes a leading space part of the separator.
 */
export const HTTP_RESPELLINGS: readonly Respelling[] = RESPELLINGS.filter(({ respell }) => {
  const sample = respell("aaaaaa.bbbbbb.cc-_cc");
  return !/[\r\n]/.test(sample) && !/^ |\s$/.test(sample);
});
