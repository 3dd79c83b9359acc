import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheEntry } from '../../../src/cache/cache-entry.js';

/** Shared by the cache tests: not a test file itself. */
export function makeEntry(overrides: Partial<CacheEntry> = {}): CacheEntry {
  return { status: 200, headers: {}, body: Buffer.from('1\n'), storedAtMs: 1000, expiresAtMs: 61_000, tables: [], ...overrides };
}

/** Every byte value, repeated up to `length` bytes. */
export function allByteValues(length = 256): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = i % 256;
  return bytes;
}

/** A clock tests move by hand. */
export function manualClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/** A fresh temporary directory for each test of the calling describe block; `path(name)` is a file in it. */
export function useTempDir(prefix: string): { path(name: string): string } {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (name) => join(dir, name) };
}
