import type { Request as ExpressRequest } from "express";
import type { FastifyRequest } from "fastify";
import type { TokenManager, VerifiedAccessToken } from "tokenwise";
import "tokenwise/express";
import "tokenwise/fastify";
import { authenticate, type AuthEnv } from "tokenwise/hono";
import type { RegisteredClaims } from "tokenwise/http";
import { describe, expectTypeOf, it } from "vitest";

// The Register of this test program: the examples declare { role: string }, as users do once.
type Registered = VerifiedAccessToken<{ role: string }>;

describe("adapter types", () => {
  it("Register of tokenwise/http types Express's req.auth and Fastify's request.auth", () => {
    expectTypeOf<RegisteredClaims>().toEqualTypeOf<{ role: string }>();
    expectTypeOf<ExpressRequest["auth"]>().toEqualTypeOf<Registered | undefined>();
    expectTypeOf<FastifyRequest["auth"]>().toEqualTypeOf<Registered | null>();
  });

  it("Hono's authenticate() carries the manager's claims into AuthEnv", () => {
    const middleware = authenticate({} as TokenManager<{ tier: number }>);
    type Context = Parameters<typeof middleware>[0];
    expectTypeOf<Context["var"]["auth"]>().toEqualTypeOf<AuthEnv<{ tier: number }>["Variables"]["auth"]>();
    expectTypeOf<Context["var"]["auth"]["tier"]>().toEqualTypeOf<number>();
  });
});
