import type { Token } from './lexer.js';

export interface NormalizedForms {
  /** Tokens joined by single spaces, keywords upper-cased: the cache key's SQL part. */
  normalized: string;
  /** The same with every literal replaced by `?`: groups queries for metrics and rules. */
  fingerprint: string;
}

/**
 * Comments and whitespace are gone once the text is tokens; joining tokens with one space is
 * injective (a token never contains an unquoted space), so two statements that differ in
 * anything but layout, comments and keyword case never normalize to the same text. Only words
 * a parser read as keywords are upper-cased: identifiers are case-sensitive in ClickHouse
 * (`Date` and `date` can be two columns), literals are kept byte for byte.
 */
export function normalizeTokens(tokens: readonly Token[], count = tokens.length): NormalizedForms {
  const normalized: string[] = [];
  const fingerprint: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = tokens[i];
    if (t === undefined) break;
    const text = t.keyword ? t.upper : t.text;
    normalized.push(text);
    fingerprint.push(t.kind === 'string' || t.kind === 'number' ? '?' : text);
  }
  return { normalized: normalized.join(' '), fingerprint: fingerprint.join(' ') };
}
