/**
 * Proxy users' passwords the auth tests use (test/integration/proxy-auth.test.ts); zz-no-secrets-in-logs.test.ts
 * checks that none of them, nor a backend password, reaches a log.
 */
export const PROXY_AUTH_TEST_PASSWORDS = {
  hashed: 'scrypt-pass-7f3a',
  salted: 'sha256-pass-91c2',
  reader: 'reader-pass-55e0',
  loader: 'loader-pass-0b8d',
  office: 'office-pass-c4d1',
  boss: 'boss-pass-6a2e',
  cli: 'cli-pass-e83f',
} as const;
