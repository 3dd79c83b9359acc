import type { StatementClassification } from './types.js';

/**
 * A body's result may come from the cache only when every statement in it may: a write, a
 * SET / USE (whose effect a cached answer would skip), an unknown or a non-deterministic
 * statement anywhere makes the whole body uncacheable. An empty body is not cacheable either.
 */
export function isBodyCacheable(classifications: readonly StatementClassification[]): boolean {
  return classifications.length > 0 && classifications.every((c) => c.cacheable && c.route === 'read' && !c.unknown);
}
