/**
 * The framework examples' refresh cookie: `Path=/auth` (the default, covering /auth/refresh and
 * /auth/logout). `secure: false` and a name without the `__Secure-` prefix only so that the
 * examples run on plain http://127.0.0.1; in production keep the defaults.
 */
export const LOCAL_COOKIE = { secure: false, name: "refresh_token" } as const;
