import { expectQualifiedName, type QualifiedName } from '../names.js';
import type { TokenCursor } from '../token-cursor.js';

/** Small pieces of syntax that many DDL statements share. */

export function acceptIfExists(c: TokenCursor): boolean {
  return c.acceptWords('IF', 'EXISTS');
}

export function acceptIfNotExists(c: TokenCursor): boolean {
  return c.acceptWords('IF', 'NOT', 'EXISTS');
}

/** `ON CLUSTER name`, where the name may be an identifier or a string such as '{cluster}'. */
export function acceptOnCluster(c: TokenCursor): boolean {
  if (!c.acceptWords('ON', 'CLUSTER')) return false;
  const t = c.peek();
  if (t === undefined || (t.kind !== 'word' && t.kind !== 'quoted' && t.kind !== 'string')) c.fail('expected a cluster');
  c.pos++;
  return true;
}

/** Skips the remaining tokens: for statements whose tail chgate does not need to read. */
export function skipRest(c: TokenCursor): void {
  for (let t = c.peek(); t !== undefined; t = c.peek()) {
    if (t.kind === 'error') c.fail('unrecognized token');
    c.pos++;
  }
}

/** A comma-separated list of `[db.]name`. */
export function readNameList(c: TokenCursor): QualifiedName[] {
  const names = [expectQualifiedName(c)];
  while (c.acceptPunct(',')) names.push(expectQualifiedName(c));
  return names;
}
