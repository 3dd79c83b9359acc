import type { RuleSettingsAction } from './query-rule.js';

/**
 * Applies a settings rule to the URL parameters a statement is sent with (the client's settings and chgate's
 * SET replay already in them). `set` replaces; `cap` keeps the client's value only when it is a positive number
 * at most the cap: absent, 0 (unlimited, for ClickHouse's limits) or anything else becomes the cap.
 */
export function applyRuleSettings(params: URLSearchParams, settings: RuleSettingsAction | undefined): void {
  if (!settings) return;
  for (const [name, value] of Object.entries(settings.set)) params.set(name, value);
  for (const [name, cap] of Object.entries(settings.cap)) {
    const current = Number(params.get(name) ?? Number.NaN);
    if (!(current > 0 && current <= cap)) params.set(name, String(cap));
  }
}

/** The URL parameters with a statement's settings rule applied, as a copy: what its cache key must be made from. */
export function paramsWithRuleSettings(params: URLSearchParams, settings: RuleSettingsAction | undefined): URLSearchParams {
  if (!settings) return params;
  const copy = new URLSearchParams(params);
  applyRuleSettings(copy, settings);
  return copy;
}

/**
 * The first capped setting the statement sets in its own SETTINGS clause, which ClickHouse applies over URL
 * parameters: a cap that must hold refuses such a statement. Looks at the normalized text (keywords upper-case,
 * tokens one space apart) after its last SETTINGS keyword; setting names are plain identifiers (checked at load).
 */
export function findCapOverride(normalized: string, settings: RuleSettingsAction | undefined): string | undefined {
  if (!settings) return undefined;
  const at = normalized.lastIndexOf(' SETTINGS ');
  if (at < 0) return undefined;
  const clause = normalized.slice(at + ' SETTINGS '.length);
  return Object.keys(settings.cap).find((name) => new RegExp(`(?:^|, )${name} =`).test(clause));
}
