import { defaultDatabase, resolveTableName } from '../sql/resolve-table.js';
import type { StatementType } from '../sql/types.js';
import type { QueryRule } from './query-rule.js';

/** A rule ready to match: regexes compiled and table names resolved once, at start. */
export interface CompiledRule {
  rule: QueryRule;
  users: ReadonlySet<string> | undefined;
  statementTypes: ReadonlySet<StatementType> | undefined;
  tables: ReadonlySet<string> | undefined;
  fingerprints: ReadonlySet<string> | undefined;
  match: RegExp | undefined;
  rewrite: { pattern: RegExp; replacement: string } | undefined;
}

export interface CompiledRules {
  rules: readonly CompiledRule[];
  /** Some rule rewrites: only then is a body classified twice. */
  hasRewrites: boolean;
}

/** Throws on an invalid regex: findQueryRuleProblems reports those at load, with their key path. */
export function compileRules(rules: readonly QueryRule[]): CompiledRules {
  const compiled = rules.map(
    (rule): CompiledRule => ({
      rule,
      users: rule.users && new Set(rule.users),
      statementTypes: rule.statementTypes && new Set(rule.statementTypes),
      tables: rule.tables && new Set(rule.tables.map((table) => resolveTableName(table, defaultDatabase))),
      fingerprints: rule.fingerprints && new Set(rule.fingerprints),
      // No `y` flag and no shared lastIndex: test() is only used on `match`, which has no flags; the rewrite
      // pattern's `g` is for String.replace, which resets lastIndex itself.
      match: rule.match === undefined ? undefined : new RegExp(rule.match),
      rewrite: rule.rewrite && { pattern: new RegExp(rule.rewrite.pattern, 'g'), replacement: rule.rewrite.replacement },
    }),
  );
  return { rules: compiled, hasRewrites: compiled.some((each) => each.rewrite !== undefined) };
}
