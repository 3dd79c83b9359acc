import type { StatementType } from '../sql/types.js';

/**
 * One entry of the top-level `rules:` list (YAML keys in snake_case: `statement_types`, `ttl_ms`, `no_cache` ...),
 * as the config loader fills it. A rule matches a statement when every condition it has holds; a rule without
 * conditions matches every statement. What it does when it matches is its actions (at least one).
 */
export interface QueryRule {
  /** Unique; the `rule` label of chgate_rule_matches_total and the name in error messages. */
  name: string;
  /** Proxy users the rule applies to. Absent: every user. */
  users?: string[];
  /** Statement types (select, insert, alter ...). Absent: every type. */
  statementTypes?: StatementType[];
  /** The statement reads or writes at least one of these tables (`t` means `default.t`). */
  tables?: string[];
  /** The statement's fingerprint (normalized text, literals as `?`) is exactly one of these. */
  fingerprints?: string[];
  /** A JavaScript regular expression (no flags) tested against the statement's normalized text. */
  match?: string;
  /** Refuses the whole request with ACCESS_DENIED (HTTP 403) and this message; nothing of it runs. */
  deny?: string;
  /** writer: the statement runs on a writer. readers: a read runs on a replica (never a write: see README). */
  route?: RuleRoute;
  cache?: RuleCacheAction;
  settings?: RuleSettingsAction;
  rewrite?: RuleRewriteAction;
}

export type RuleRoute = 'writer' | 'readers';

/** The cache-rule actions of `cache.rules`, as a rule action. */
export interface RuleCacheAction {
  ttlMs?: number;
  noCache?: boolean;
  cacheNonDeterministic?: boolean;
}

export interface RuleSettingsAction {
  /** Sent with the statement, replacing the client's value. */
  set: Record<string, string>;
  /** The client's value, or this when the client's is larger, absent, 0 (unlimited) or not a number. */
  cap: Record<string, number>;
}

export interface RuleRewriteAction {
  /** A JavaScript regular expression (flags: g), tested against the statement's normalized text. */
  pattern: string;
  /** String.replace replacement: `$1`, `$<name>` refer to the pattern's groups. */
  replacement: string;
}

export type RuleAction = 'deny' | 'route' | 'cache' | 'settings' | 'rewrite';

export const ruleActions: readonly RuleAction[] = ['deny', 'route', 'cache', 'settings', 'rewrite'];

/** Every StatementType, for the config schema; the `satisfies` below keeps the two lists the same. */
export const statementTypes = [
  'select', 'insert', 'alter', 'create', 'drop', 'truncate', 'rename', 'exchange', 'optimize', 'system', 'kill',
  'grant', 'revoke', 'delete', 'update', 'set', 'use', 'show', 'describe', 'exists', 'explain', 'check', 'attach',
  'detach', 'watch', 'other',
] as const satisfies readonly StatementType[];
// Compile-time check that no StatementType is missing from the list above.
const everyTypeListed: Exclude<StatementType, (typeof statementTypes)[number]> extends never ? true : false = true;
void everyTypeListed;

export interface QueryRuleProblem {
  /** The rule's position in `rules`. */
  index: number;
  /** The YAML key path below the rule the problem is about. */
  key: string;
  message: string;
}

/** What is wrong with each rule beyond the schema's types; the loader reports these with their key path. */
export function findQueryRuleProblems(rules: readonly QueryRule[], knownUsers?: ReadonlySet<string>): QueryRuleProblem[] {
  const problems: QueryRuleProblem[] = [];
  const names = new Set<string>();
  rules.forEach((rule, index) => {
    const problem = (key: string, message: string): void => void problems.push({ index, key, message });
    if (names.has(rule.name)) problem('name', `duplicate rule name "${rule.name}"`);
    names.add(rule.name);
    if (!ruleActions.some((action) => rule[action] !== undefined)) problem('name', `rule "${rule.name}" has no action (${ruleActions.join(', ')})`);
    for (const user of rule.users ?? []) if (knownUsers && !knownUsers.has(user)) problem('users', `no user named "${user}"`);
    const regexProblem = (source: string, flags: string): string | undefined => {
      try {
        new RegExp(source, flags);
        return undefined;
      } catch (error) {
        return `not a valid regular expression: ${(error as Error).message}`;
      }
    };
    if (rule.match !== undefined) {
      const message = regexProblem(rule.match, '');
      if (message) problem('match', message);
    }
    if (rule.rewrite) {
      const message = regexProblem(rule.rewrite.pattern, 'g');
      if (message) problem('rewrite.pattern', message);
    }
    const cache = rule.cache;
    if (cache) {
      if (cache.noCache !== true && cache.ttlMs === undefined) problem('cache', 'needs ttl_ms or no_cache: true');
      if (cache.cacheNonDeterministic === true && cache.ttlMs === undefined) problem('cache.ttl_ms', 'required when cache_non_deterministic is true');
      if (cache.noCache === true && (cache.ttlMs !== undefined || cache.cacheNonDeterministic === true)) {
        problem('cache.no_cache', 'cannot be combined with ttl_ms or cache_non_deterministic');
      }
    }
    const settings = rule.settings;
    if (settings) {
      if (Object.keys(settings.set).length + Object.keys(settings.cap).length === 0) problem('settings', 'needs set or cap');
      for (const name of Object.keys(settings.set)) if (name in settings.cap) problem(`settings.cap.${name}`, 'also in settings.set');
      for (const [kind, values] of [['set', settings.set], ['cap', settings.cap]] as const) {
        for (const name of Object.keys(values)) {
          if (!isSettingName(name)) problem(`settings.${kind}.${name}`, 'not a ClickHouse setting name (HTTP parameters such as query, user, database, query_id, session_id, param_* are not settings)');
        }
      }
    }
  });
  return problems;
}

/** URL parameters of ClickHouse's HTTP interface that are not settings: a rule must not change what they mean. */
const httpParameters = new Set([
  'query', 'user', 'password', 'quota_key', 'database', 'query_id', 'session_id', 'session_timeout', 'session_check',
  'default_format', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query', 'no_cache',
]);

function isSettingName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !httpParameters.has(name) && !name.startsWith('param_');
}
