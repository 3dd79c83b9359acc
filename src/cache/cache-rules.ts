import { defaultDatabase, resolveTableName } from '../sql/resolve-table.js';
import type { CacheRule } from './cache-config.js';

/** A cache rule ready to match: regex compiled and table names resolved once, when the cache is built. */
export interface CompiledCacheRule {
  rule: CacheRule;
  users: ReadonlySet<string> | undefined;
  tables: ReadonlySet<string> | undefined;
  match: RegExp | undefined;
}

/** What a rule is matched against: one read statement of one request. */
export interface CacheRuleSubject {
  proxyUser: string;
  /** Tables read, resolved (`db.t`). */
  tables: readonly string[];
  /** The statement's normalized text. */
  normalized: string;
}

/** Throws on an invalid regex: findCacheRuleProblems reports those first. */
export function compileCacheRules(rules: readonly CacheRule[]): CompiledCacheRule[] {
  return rules.map((rule) => ({
    rule,
    users: rule.users && new Set(rule.users),
    tables: rule.tables && new Set(rule.tables.map((table) => resolveTableName(table, defaultDatabase))),
    // No `g` / `y` flag: test() must not carry lastIndex from one request to the next.
    match: rule.match === undefined ? undefined : new RegExp(rule.match),
  }));
}

/** Pure: the first rule whose every condition holds, in config order. */
export function findCacheRule(rules: readonly CompiledCacheRule[], subject: CacheRuleSubject): CacheRule | undefined {
  for (const { rule, users, tables, match } of rules) {
    if (users && !users.has(subject.proxyUser)) continue;
    if (tables && !subject.tables.some((table) => tables.has(table))) continue;
    if (match && !match.test(subject.normalized)) continue;
    return rule;
  }
  return undefined;
}
