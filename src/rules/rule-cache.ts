import type { CacheRule } from '../cache/cache-config.js';
import type { RuleActions } from './evaluate-rules.js';

/**
 * A query rule's cache action in the form the cache applies (`cache.rules` entries): handed to the cache with the
 * request, it takes the place of the cache's own rules for that read.
 */
export function cacheRuleOf(actions: RuleActions | undefined): CacheRule | undefined {
  const cache = actions?.cache;
  if (!cache) return undefined;
  const { ttlMs, noCache, cacheNonDeterministic } = cache.action;
  return {
    name: cache.rule,
    ...(ttlMs !== undefined ? { ttlMs } : {}),
    ...(noCache !== undefined ? { noCache } : {}),
    ...(cacheNonDeterministic !== undefined ? { cacheNonDeterministic } : {}),
  };
}
