import { ChgateError } from '../errors/error-catalogue.js';
import { splitStatements } from '../sql/split-statements.js';
import type { SqlClassifier } from '../sql/create-sql-classifier.js';
import type { CompiledRules } from '../rules/compile-rules.js';
import { evaluateRules, findRewrite, listMatches, ruleSubjectOf } from '../rules/evaluate-rules.js';
import type { RuleAction, RuleRoute } from '../rules/query-rule.js';
import { findCapOverride } from '../rules/rule-settings.js';
import type { RouteContext, RouteDecision } from './decide-route.js';
import { planBody, type PlannedStatement } from './plan-body.js';

/**
 * Finds and decides the statements of a request. `head` is handled as latin1 so that string offsets are byte
 * offsets: statements are forwarded as the exact bytes the client sent, binary INSERT data included.
 * `isComplete` false means more body follows `head`; then only the last statement's inline data may continue.
 */
export function planRequest(
  head: Buffer,
  isComplete: boolean,
  classifier: SqlClassifier,
  context: RouteContext,
): PlannedStatement[] {
  const slices = splitStatements(head.toString('latin1'));
  if (slices.length === 0) throw new ChgateError('SYNTAX_ERROR', 'Empty query');
  const last = slices[slices.length - 1];
  if (!isComplete && !last?.data) {
    throw new ChgateError(
      'QUERY_IS_TOO_LARGE',
      `the statements of a request must fit in the first ${head.length} bytes (server.max_query_head_bytes); only INSERT data may follow them`,
    );
  }
  const classifications = slices.map((slice) => classifier.classify(Buffer.from(slice.sql, 'latin1').toString('utf8')));
  return planBody(slices, classifications, context);
}

/** The proxy user's query rules, for planRequestWithRules. */
export interface RequestRules {
  compiled: CompiledRules;
  proxyUser: string;
  /** Told of each rule that decided something, for chgate_rule_matches_total. */
  onMatch?: (rule: string, action: RuleAction) => void;
}

/**
 * planRequest under the operator's query rules (README "Query rules"). Rewrites come first: a statement a rewrite
 * rule matches is replaced by its rewritten normalized text, and the new body is split and classified anew, so
 * what runs, where it runs and how it is cached follow from the rewritten SQL (one pass: a rewritten statement is
 * not rewritten again). Then every statement's actions are decided; a deny anywhere refuses the whole body before
 * anything runs, and so does a statement whose own SETTINGS clause sets a setting a rule caps (it would win).
 * Returns the head the statements' offsets refer to (the rewritten one, if any).
 */
export function planRequestWithRules(
  head: Buffer,
  isComplete: boolean,
  classifier: SqlClassifier,
  context: RouteContext,
  rules: RequestRules | undefined,
): { head: Buffer; plan: PlannedStatement[] } {
  let plan = planRequest(head, isComplete, classifier, context);
  if (!rules || rules.compiled.rules.length === 0) return { head, plan };
  const rewritten = rewriteStatements(head, plan, context, rules);
  if (rewritten) {
    head = rewritten;
    plan = planRequest(head, isComplete, classifier, context);
  }
  const ruled = plan.map((step): PlannedStatement => {
    const actions = evaluateRules(rules.compiled, ruleSubjectOf(rules.proxyUser, step.classification, step.database ?? context.database));
    for (const { rule, action } of listMatches(actions)) rules.onMatch?.(rule, action);
    const decision = actions.route ? routeByRule(step, actions.route.route) : step.decision;
    return { ...step, decision, rules: actions };
  });
  const denied = ruled.find((step) => step.rules?.deny)?.rules?.deny;
  if (denied) throw new ChgateError('ACCESS_DENIED', `denied by rule ${denied.rule}: ${denied.message}`);
  for (const step of ruled) {
    const override = findCapOverride(step.classification.normalized, step.rules?.settings?.action);
    if (override) throw new ChgateError('ACCESS_DENIED', `rule ${step.rules?.settings?.rule} caps ${override}: the statement may not set it in a SETTINGS clause`);
  }
  return { head, plan: ruled };
}

/**
 * The head with every statement a rewrite rule matches replaced, or undefined when none is. Statements with inline
 * data, cut off by the head's end, or not understood by the SQL engine (their normalized text may not be faithful)
 * are never rewritten.
 */
function rewriteStatements(head: Buffer, plan: readonly PlannedStatement[], context: RouteContext, rules: RequestRules): Buffer | undefined {
  if (!rules.compiled.hasRewrites) return undefined;
  const text = head.toString('latin1');
  let out = '';
  let at = 0;
  let changed = false;
  for (const { slice, classification, database } of plan) {
    if (slice.data || slice.truncated || classification.unknown) continue;
    const found = findRewrite(rules.compiled, ruleSubjectOf(rules.proxyUser, classification, database ?? context.database));
    if (!found) continue;
    rules.onMatch?.(found.rule, 'rewrite');
    // Offsets are latin1 (byte) offsets; the rewritten SQL is text.
    out += text.slice(at, slice.start) + Buffer.from(found.sql, 'utf8').toString('latin1');
    at = slice.end;
    changed = true;
  }
  return !changed ? undefined : Buffer.from(out + text.slice(at), 'latin1');
}

/**
 * A rule's route, within what is always safe: `writer` moves a statement bound for a replica to a writer (as the
 * same ClickHouse user); `readers` moves to a replica only a read that runs as the read user and went to the writer
 * because its tables were just written (the operator accepts replica lag for it). Writes, statements the SQL engine
 * did not understand, SET / USE applied by chgate and statements of a pinned session never move.
 */
function routeByRule(step: PlannedStatement, route: RuleRoute): RouteDecision {
  const { decision, classification } = step;
  if (decision.target === 'local') return decision;
  if (route === 'writer') return decision.target === 'writer' ? decision : { ...decision, target: 'writer', reason: 'rule' };
  const isPlainRead = classification.route === 'read' && !classification.unknown && decision.identity === 'read';
  return isPlainRead && decision.reason === 'read-after-write' ? { target: 'reader', reason: 'rule', identity: 'read' } : decision;
}
