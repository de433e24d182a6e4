/**
 * `tokenwise keygen`: prints a new signing key in the format the docs recommend. Internal: the
 * command line is the interface (`npx tokenwise keygen --alg EdDSA`).
 */
import { isTokenwiseError } from "../errors.js";
import { exportSigningKey } from "../key-storage.js";
import { generateSigningKey, type SigningAlgorithm } from "../signing-keys.js";

/** What a command run prints and how it ends. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The help text. */
export const USAGE = `Usage: tokenwise keygen [--alg EdDSA] [--kid ID] [--format jwk|pem]

Prints a new signing key. The default, a private JWK as one line of JSON with its alg and kid,
is what importSigningKey() reads back: store it as a secret (e.g. SIGNING_KEY) and load it with
  signingKeys: [importSigningKey(process.env.SIGNING_KEY)]
--alg     EdDSA (default), ES256, ES384, RS256, PS256, HS256, HS384 or HS512
--kid     the key id (default: the RFC 7638 thumbprint of the key)
--format  jwk (default) or pem (PKCS#8, asymmetric keys only; import it with { alg })
`;

/**
 * Runs the command line `args` (without the program name).
 *
 * @param args - e.g. `["keygen", "--alg", "ES256"]`
 * @returns the output and the exit code: 0, 2 for a usage error
 */
export async function runCommand(args: readonly string[]): Promise<CommandResult> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") return { exitCode: command ? 0 : 2, stdout: command ? USAGE : "", stderr: command ? "" : USAGE };
  if (command !== "keygen") return usageError(`unknown command ${JSON.stringify(command)}`);
  const flags = new Map<string, string>();
  for (let index = 0; index < rest.length; index += 2) {
    const [flag, value] = [rest[index] as string, rest[index + 1]];
    if (!["--alg", "--kid", "--format"].includes(flag) || value === undefined) return usageError(`unexpected ${JSON.stringify(flag)}`);
    flags.set(flag, value);
  }
  try {
    const key = await generateSigningKey((flags.get("--alg") ?? "EdDSA") as SigningAlgorithm, flags.get("--kid"));
    const format = flags.get("--format") as "jwk" | "pem" | undefined;
    const text = await exportSigningKey(key, format === undefined ? {} : { format });
    return { exitCode: 0, stdout: text.endsWith("\n") ? text : `${text}\n`, stderr: "" };
  } catch (error) {
    if (isTokenwiseError(error)) return usageError(error.message);
    throw error;
  }
}

function usageError(problem: string): CommandResult {
  return { exitCode: 2, stdout: "", stderr: `tokenwise: ${problem}\n\n${USAGE}` };
}
