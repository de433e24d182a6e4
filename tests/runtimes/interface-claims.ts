// Type-checked by the runtime matrix against the installed tarball, in a Node-only project with
// exactOptionalPropertyTypes: claims declared as an interface work as the Claims type parameter
// everywhere claims are typed, and a claim that is not JSON is a type error.
import { MemoryRefreshTokenStore, TokenManager, type IssueOptions, type TokenManagerOptions, type VerifiedAccessToken } from "tokenwise";
import { requireAuth, type AuthResult } from "tokenwise/http";

interface AppClaims {
  roles: string[];
  org: { id: string; plan: "free" | "pro" };
  readonly tags: readonly string[];
  email?: string;
}

interface DatedClaims {
  loggedInAt: Date;
}

const options: TokenManagerOptions<AppClaims> = { issuer: "i", audience: "a", signingKeys: [], store: new MemoryRefreshTokenStore() };
const tokens = new TokenManager<AppClaims>(options);
const login: IssueOptions<AppClaims> = { subject: "u", claims: { roles: ["admin"], org: { id: "o", plan: "pro" }, tags: [] } };

export async function roundTrip(request: Request): Promise<string> {
  const pair = await tokens.issue(login);
  const claims: VerifiedAccessToken<AppClaims> = await tokens.verifyAccessToken(pair.accessToken);
  const plan: "free" | "pro" = claims.org.plan;
  const email: string | undefined = claims.email;
  const auth: AuthResult<AppClaims> = await requireAuth(request, tokens, { authorize: (verified) => verified.roles.includes("admin") });
  return `${plan} ${email ?? ""} ${auth.ok ? auth.claims.sub : auth.response.status}`;
}

// @ts-expect-error a Date is not a JSON value: the claim type is refused
export const dated = (input: TokenManagerOptions<DatedClaims>): unknown => new TokenManager<DatedClaims>(input);
