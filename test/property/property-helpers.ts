import fc from 'fast-check';
import { tokenize } from '../../src/sql/lexer.js';
import { READ_STATEMENTS, SESSION_STATEMENTS, VOCABULARY, WRITE_STATEMENTS } from './seed-statements.js';

// Reproducible runs: CI uses a fixed seed so a landing never depends on luck; FC_SEED picks another one, and a
// local run without either explores new inputs. The seed is printed so any failure can be replayed.
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : process.env.CI ? 20261126 : Date.now() % 2 ** 31;
fc.configureGlobal({ seed });
console.error(`      [property tests] fast-check seed ${seed} (FC_SEED=${seed} to replay)`);

/**
 * What may stand between two tokens without changing what ClickHouse reads. Comments are
 * padded with spaces: glued to a `/` or `-` token they would open another comment (`//`, `--`).
 */
export const SEPARATORS: readonly string[] = [
  ' ', '  ', '\n', '\t', '\r\n', ' /* note */ ', ' /* SELECT; DROP TABLE x */ ', ' -- comment; INSERT\n',
  '\n# hash comment\n', '\n#! shebang\n', ' /* outer /* inner */ still */ ', '\u00a0', '\n\n  \t',
];

/** Keywords whose case the layout property may change (only in the clean seed statements). */
export const KEYWORDS = new Set([
  'SELECT', 'FROM', 'WHERE', 'IN', 'AND', 'OR', 'NOT', 'AS', 'WITH', 'JOIN', 'LEFT', 'ANY', 'GLOBAL', 'USING',
  'FORMAT', 'FINAL', 'SAMPLE', 'PREWHERE', 'GROUP', 'BY', 'TOTALS', 'ORDER', 'LIMIT', 'ARRAY', 'SETTINGS',
  'UNION', 'ALL', 'DISTINCT', 'INTERSECT', 'EXCEPT', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'OVER', 'PARTITION',
  'SHOW', 'TABLES', 'DESCRIBE', 'TABLE', 'EXISTS', 'EXPLAIN', 'PLAN', 'CHECK', 'INSERT', 'INTO', 'VALUES',
  'ALTER', 'DELETE', 'ON', 'CLUSTER', 'UPDATE', 'REPLACE', 'CREATE', 'ENGINE', 'MATERIALIZED', 'VIEW', 'TO',
  'DATABASE', 'IF', 'DROP', 'TRUNCATE', 'RENAME', 'EXCHANGE', 'OPTIMIZE', 'SYSTEM', 'FLUSH', 'LOGS', 'KILL',
  'QUERY', 'GRANT', 'REVOKE', 'USER', 'IDENTIFIED', 'SET', 'DEFAULT', 'ROLE', 'DETACH', 'ATTACH', 'USE', 'ASOF',
]);

export type CaseChange = 'upper' | 'lower' | 'mixed' | 'keep';

/**
 * Rebuilds `text` from its tokens with the given separators between them (cycled) and, when
 * `changeCase` is set, keywords re-cased. Tokens themselves, literals and names, are untouched.
 */
export function relayout(text: string, separators: readonly string[], changeCase: CaseChange): string {
  const { tokens, unterminated, unterminatedAt } = tokenize(text);
  let out = separators[separators.length - 1] ?? '';
  tokens.forEach((t, i) => {
    let piece = t.text;
    // A keyword next to a dot is a name (`system.parts`): its case is part of the name.
    const qualified = tokens[i - 1]?.text === '.' || tokens[i + 1]?.text === '.';
    if (changeCase !== 'keep' && t.kind === 'word' && KEYWORDS.has(t.upper) && !qualified) {
      piece = recase(piece, changeCase, i);
    }
    out += piece;
    // After a stray `#`, a space would turn it into a comment: a line break keeps it a stray `#`.
    out += t.kind === 'error' && t.text === '#' ? '\n' : (separators[i % Math.max(1, separators.length)] ?? ' ');
  });
  // A comment left open at the end is not a token, but it is part of the text: keep it.
  return unterminated === 'comment' ? out + text.slice(unterminatedAt) : out;
}

function recase(word: string, change: CaseChange, salt: number): string {
  if (change === 'upper') return word.toUpperCase();
  if (change === 'lower') return word.toLowerCase();
  return [...word].map((ch, i) => ((i + salt) % 2 === 0 ? ch.toLowerCase() : ch.toUpperCase())).join('');
}

export const anySeed = fc.constantFrom(...READ_STATEMENTS, ...WRITE_STATEMENTS, ...SESSION_STATEMENTS);
export const separatorsArb = fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 8 });
export const caseArb = fc.constantFrom<CaseChange>('upper', 'lower', 'mixed', 'keep');

/** A seed statement with characters inserted, deleted or replaced: almost-SQL. */
export const mutatedSeed = fc
  .tuple(
    anySeed,
    fc.array(
      fc.tuple(fc.nat(), fc.constantFrom<'insert' | 'delete' | 'replace'>('insert', 'delete', 'replace'),
        fc.constantFrom("'", '"', '`', '(', ')', ';', '-', '/', '*', '$', '#', '\\', ' ', 'x', '{', '}', ',', '.')),
      { maxLength: 4 },
    ),
  )
  .map(([seed, edits]) => {
    let text = seed;
    for (const [at, op, ch] of edits) {
      const i = text.length === 0 ? 0 : at % (text.length + 1);
      if (op === 'insert') text = text.slice(0, i) + ch + text.slice(i);
      else if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
      else text = text.slice(0, i) + ch + text.slice(i + 1);
    }
    return text;
  });

/** Statements made of SQL words and symbols in random order. */
export const tokenSoup = fc
  .array(fc.constantFrom(...VOCABULARY), { maxLength: 60 })
  .chain((words) => fc.array(fc.constantFrom(' ', '', '\n'), { minLength: words.length, maxLength: words.length })
    .map((gaps) => words.map((w, i) => w + (gaps[i] ?? ' ')).join('')));

/** Anything at all, ASCII-heavy and unicode. */
export const randomText = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(..."'\"`();-/*#$\\{}[]., \n\tSELECTFROMINSERTVALUESx1".split('')), maxLength: 400 }),
);
