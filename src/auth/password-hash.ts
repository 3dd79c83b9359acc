import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Stored proxy-user passwords. Salted schemes only for new config:
 *   scrypt$N$r$p$<salt base64>$<hash base64>   (what `chgate hash-password` writes; N a power of 2)
 *   sha256$<salt hex>$<hash hex>                (hash = SHA-256(salt bytes ‖ password UTF-8); fast, for many users)
 * plus the deprecated unsalted `password_sha256_hex` (hash = SHA-256(password)).
 */
export type PasswordHash =
  | { scheme: 'scrypt'; n: number; r: number; p: number; salt: Buffer; hash: Buffer }
  | { scheme: 'sha256'; salt: Buffer; hash: Buffer }
  | { scheme: 'sha256-unsalted'; hash: Buffer };

export type FastPasswordHash = Exclude<PasswordHash, { scheme: 'scrypt' }>;

/** chgate hash-password's defaults: about 60 ms and 16 MiB per verification on a 2020s core. */
export interface ScryptParameters {
  n: number;
  r: number;
  p: number;
}
export const defaultScryptParameters: Readonly<ScryptParameters> = { n: 16_384, r: 8, p: 1 };
const maxScryptN = 1 << 20;

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
const hex = /^(?:[0-9a-fA-F]{2})+$/;

/** Parses a `password_hash` value; the error says what is wrong, never the value itself. */
export function parsePasswordHash(text: string): PasswordHash {
  const parts = text.split('$');
  if (parts[0] === 'scrypt') {
    if (parts.length !== 6) throw new Error('must be scrypt$N$r$p$<salt base64>$<hash base64>');
    const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
    const [n, r, p] = [Number(nText), Number(rText), Number(pText)];
    if (!Number.isInteger(n) || n < 2 || n > maxScryptN || (n & (n - 1)) !== 0) throw new Error(`scrypt N must be a power of 2 from 2 to ${maxScryptN}`);
    if (!Number.isInteger(r) || r < 1 || r > 64) throw new Error('scrypt r must be an integer from 1 to 64');
    if (!Number.isInteger(p) || p < 1 || p > 16) throw new Error('scrypt p must be an integer from 1 to 16');
    if (!base64.test(saltText) || !base64.test(hashText)) throw new Error('scrypt salt and hash must be base64');
    const salt = Buffer.from(saltText, 'base64');
    const hash = Buffer.from(hashText, 'base64');
    if (salt.length < 8) throw new Error('scrypt salt must be at least 8 bytes');
    if (hash.length < 16 || hash.length > 128) throw new Error('scrypt hash must be 16 to 128 bytes');
    return { scheme: 'scrypt', n, r, p, salt, hash };
  }
  if (parts[0] === 'sha256') {
    if (parts.length !== 3) throw new Error('must be sha256$<salt hex>$<hash hex>');
    const [, saltText, hashText] = parts as [string, string, string];
    if (!hex.test(saltText) || saltText.length < 16) throw new Error('sha256 salt must be at least 8 bytes in hex');
    if (!/^[0-9a-fA-F]{64}$/.test(hashText)) throw new Error('sha256 hash must be 64 hex characters');
    return { scheme: 'sha256', salt: Buffer.from(saltText, 'hex'), hash: Buffer.from(hashText, 'hex') };
  }
  throw new Error('must start with scrypt$ or sha256$ (make one with `chgate hash-password`)');
}

export function unsaltedSha256Hash(hexDigest: string): PasswordHash {
  return { scheme: 'sha256-unsalted', hash: Buffer.from(hexDigest, 'hex') };
}

/** A new salted hash in the `password_hash` format. */
export async function hashPassword(password: string, scheme: 'scrypt' | 'sha256' = 'scrypt', parameters: Readonly<ScryptParameters> = defaultScryptParameters): Promise<string> {
  const salt = randomBytes(16);
  if (scheme === 'sha256') return `sha256$${salt.toString('hex')}$${sha256(salt, password).toString('hex')}`;
  const { n, r, p } = parameters;
  const hash = await scryptAsync(password, salt, 32, n, r, p);
  return `scrypt$${n}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Compares in constant time (for hashes of equal length, which the schemes guarantee). */
export async function verifyPassword(stored: PasswordHash, password: string): Promise<boolean> {
  if (stored.scheme !== 'scrypt') return verifyFastPassword(stored, password);
  // Off the event loop (libuv's thread pool): a flood of wrong passwords must not stall other requests.
  const computed = await scryptAsync(password, stored.salt, stored.hash.length, stored.n, stored.r, stored.p);
  return matchesStored(computed, stored);
}

/** verifyPassword for the schemes cheap enough to check on the event loop (isFastScheme), synchronously. */
export function verifyFastPassword(stored: FastPasswordHash, password: string): boolean {
  return matchesStored(sha256(stored.scheme === 'sha256' ? stored.salt : Buffer.alloc(0), password), stored);
}

const matchesStored = (computed: Buffer, stored: PasswordHash): boolean => computed.length === stored.hash.length && timingSafeEqual(computed, stored.hash);

/** True when checking this hash is cheap enough for every request (no cache needed). */
export function isFastScheme(stored: PasswordHash): stored is FastPasswordHash {
  return stored.scheme !== 'scrypt';
}

function sha256(salt: Buffer, password: string): Buffer {
  return createHash('sha256').update(salt).update(password, 'utf8').digest();
}

function scryptAsync(password: string, salt: Buffer, length: number, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; Node's default cap (32 MiB) would refuse larger accepted parameters.
    scrypt(password, salt, length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** For the config schema: what is wrong with a `password_hash` value, or undefined when it parses. */
export function describePasswordHashProblem(text: string): string | undefined {
  try {
    parsePasswordHash(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
