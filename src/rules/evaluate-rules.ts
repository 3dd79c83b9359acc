import { effectiveDatabase, resolveTableNames } from '../sql/resolve-table.js';
import type { StatementClassification, StatementType } from '../sql/types.js';
import type { CompiledRule, CompiledRules } from './compile-rules.js';
import type { RuleAction, RuleCacheAction, RuleRoute, RuleSettingsAction } from './query-rule.js';

/** What rules are matched against: one statement of one request, as the SQL engine understood it. */
export interface RuleSubject {
  proxyUser: string;
  type: StatementType;
  /** Tables read and written, resolved (`db.t`) against the statement's database. */
  tables: readonly string[];
  fingerprint: string;
  normalized: string;
}

/** What the rules decided for one statement: for each kind of action, the first matching rule that has one. */
export interface RuleActions {
  deny?: { rule: string; message: string };
  route?: { rule: string; route: RuleRoute };
  cache?: { rule: string; action: RuleCacheAction };
  settings?: { rule: string; action: RuleSettingsAction };
}

export function ruleSubjectOf(proxyUser: string, classification: StatementClassification, database: string | undefined): RuleSubject {
  return {
    proxyUser,
    type: classification.type,
    tables: resolveTableNames([...classification.tablesRead, ...classification.tablesWritten], effectiveDatabase(database)),
    fingerprint: classification.fingerprint,
    normalized: classification.normalized,
  };
}

/**
 * Pure. Rules are tried in config order; each kind of action (deny, route, cache, settings) is taken from the first
 * matching rule that has that kind, so a later rule can add what an earlier one did not decide, never undo it.
 * Rewrites are not here: they happen before classification (findRewrite).
 */
export function evaluateRules(compiled: CompiledRules, subject: RuleSubject): RuleActions {
  const actions: RuleActions = {};
  for (const each of compiled.rules) {
    const { rule } = each;
    const wanted = (rule.deny !== undefined && !actions.deny) || (rule.route !== undefined && !actions.route) ||
      (rule.cache !== undefined && !actions.cache) || (rule.settings !== undefined && !actions.settings);
    if (!wanted || !matches(each, subject)) continue;
    if (rule.deny !== undefined) actions.deny ??= { rule: rule.name, message: rule.deny };
    if (rule.route !== undefined) actions.route ??= { rule: rule.name, route: rule.route };
    if (rule.cache !== undefined) actions.cache ??= { rule: rule.name, action: rule.cache };
    if (rule.settings !== undefined) actions.settings ??= { rule: rule.name, action: rule.settings };
  }
  return actions;
}

/**
 * Pure. The first matching rule whose rewrite pattern is found in the statement's normalized text, and the text it
 * becomes (every occurrence replaced). Undefined when no rule rewrites it, or the replacement changes nothing.
 */
export function findRewrite(compiled: CompiledRules, subject: RuleSubject): { rule: string; sql: string } | undefined {
  if (!compiled.hasRewrites) return undefined;
  for (const each of compiled.rules) {
    if (!each.rewrite || !matches(each, subject)) continue;
    const sql = subject.normalized.replace(each.rewrite.pattern, each.rewrite.replacement);
    if (sql !== subject.normalized) return { rule: each.rule.name, sql };
  }
  return undefined;
}

/** The (rule, action) pairs that decided something, for chgate_rule_matches_total. */
export function listMatches(actions: RuleActions): Array<{ rule: string; action: RuleAction }> {
  const matched: Array<{ rule: string; action: RuleAction }> = [];
  if (actions.deny) matched.push({ rule: actions.deny.rule, action: 'deny' });
  if (actions.route) matched.push({ rule: actions.route.rule, action: 'route' });
  if (actions.cache) matched.push({ rule: actions.cache.rule, action: 'cache' });
  if (actions.settings) matched.push({ rule: actions.settings.rule, action: 'settings' });
  return matched;
}

function matches(compiled: CompiledRule, subject: RuleSubject): boolean {
  const { users, statementTypes, tables, fingerprints, match } = compiled;
  if (users && !users.has(subject.proxyUser)) return false;
  if (statementTypes && !statementTypes.has(subject.type)) return false;
  if (tables && !subject.tables.some((table) => tables.has(table))) return false;
  if (fingerprints && !fingerprints.has(subject.fingerprint)) return false;
  return !match || match.test(subject.normalized);
}
