import { expect } from 'chai';
import type { StatementClassification, StatementSlice } from '../../src/sql/types.js';
import { runCase, type Engine } from './compare-case.js';
import { CorpusFormatError, loadCorpus, parseCaseFile } from './load-cases.js';

const ok = (body: string): string => `-- name: c\n${body}`;

describe('grammar corpus loader', () => {
  it('parses a single-statement case with every key', () => {
    const [c] = parseCaseFile(
      [
        '-- name: cte body reads a table',
        '-- route: read',
        '-- type: select',
        '-- reads: analytics.users, analytics.events, analytics.users',
        '-- writes:',
        '-- functions: Numbers',
        '-- dictionaries:',
        '-- databases:',
        '-- cacheable: true',
        '-- server: 18.16',
        '-- note: why',
        'WITH u AS (SELECT id FROM analytics.users)',
        'SELECT count() FROM analytics.events WHERE user_id IN u',
        '',
      ].join('\n'),
      'select/x.sql',
    );
    expect(c).to.deep.include({ file: 'select/x.sql', line: 1, name: 'cte body reads a table', server: '18.16', note: 'why' });
    expect(c!.sql).to.equal('WITH u AS (SELECT id FROM analytics.users)\nSELECT count() FROM analytics.events WHERE user_id IN u');
    expect(c!.statements).to.deep.equal([
      {
        route: 'read',
        type: 'select',
        tablesRead: ['analytics.events', 'analytics.users'],
        tablesWritten: [],
        tableFunctions: ['numbers'],
        dictionaries: [],
        databasesWritten: [],
        cacheable: true,
      },
    ]);
  });

  it('keeps SQL comments that follow the header, and splits cases on "-- ===="', () => {
    const cases = parseCaseFile(
      ['-- name: a', '-- route: write', '-- reads:', '-- writes: t', '-- cacheable: false',
        '-- a comment before the statement', 'INSERT INTO t VALUES (1)',
        '-- ====', '', '-- name: b', '-- route: read', '-- reads:', '-- writes:', '-- cacheable: true', 'SELECT 1', '-- ===='].join('\n'),
      'f.sql',
    );
    expect(cases.map((c) => c.name)).to.deep.equal(['a', 'b']);
    expect(cases[0]!.sql).to.equal('-- a comment before the statement\nINSERT INTO t VALUES (1)');
    expect(cases[1]!.line).to.equal(10);
  });

  it('gives multi-statement expectations per statement, with defaults and indexed overrides', () => {
    const [c] = parseCaseFile(
      ok(['-- route: session, write, read', '-- type: set, insert, select', '-- reads:', '-- reads[3]: t',
        '-- writes:', '-- writes[2]: t', '-- cacheable: false, false, true', '-- session[1]: set max_threads=4, x=a b',
        '-- data[2]: values', 'SET max_threads = 4, x = \'a b\'; INSERT INTO t VALUES (1); SELECT * FROM t'].join('\n')),
      'f.sql',
    );
    expect(c!.statements).to.deep.equal([
      { route: 'session', type: 'set', tablesRead: [], tablesWritten: [], cacheable: false,
        session: { kind: 'set', settings: { max_threads: '4', x: 'a b' } } },
      { route: 'write', type: 'insert', tablesRead: [], tablesWritten: ['t'], cacheable: false, data: 'values' },
      { route: 'read', type: 'select', tablesRead: ['t'], tablesWritten: [], cacheable: true },
    ]);
  });

  it('treats "?" as not checked and "none" as a body without statements', () => {
    const [a, b] = parseCaseFile(
      [ok('-- route: read\n-- reads: ?\n-- writes:\n-- cacheable: ?\nEXPLAIN SELECT 1'), '-- ====',
        '-- name: d\n-- route: none\n/* only a comment */'].join('\n'),
      'f.sql',
    );
    expect(a!.statements).to.deep.equal([{ route: 'read', tablesWritten: [] }]);
    expect(b!.statements).to.deep.equal([]);
  });

  it('applies newline: crlf', () => {
    const [c] = parseCaseFile(ok('-- route: read\n-- reads:\n-- writes:\n-- cacheable: true\n-- newline: crlf\nSELECT\n1'), 'f.sql');
    expect(c!.sql).to.equal('SELECT\r\n1');
  });

  const bad: [string, string, RegExp][] = [
    ['unknown key', ok('-- route: read\n-- raeds: t\n-- reads:\n-- writes:\n-- cacheable: true\nSELECT 1'), /unknown header key "raeds"/],
    ['missing name', '-- route: read\n-- reads:\n-- writes:\n-- cacheable: true\nSELECT 1', /missing "name"/],
    ['missing route', ok('-- reads:\n-- writes:\n-- cacheable: true\nSELECT 1'), /missing "route"/],
    ['missing reads', ok('-- route: read\n-- writes:\n-- cacheable: true\nSELECT 1'), /missing "reads"/],
    ['missing cacheable', ok('-- route: read\n-- reads:\n-- writes:\nSELECT 1'), /missing "cacheable"/],
    ['bad route', ok('-- route: maybe\n-- reads:\n-- writes:\n-- cacheable: false\nSELECT 1'), /route must be/],
    ['bad bool', ok('-- route: read\n-- reads:\n-- writes:\n-- cacheable: yes\nSELECT 1'), /cacheable must be true or false/],
    ['cacheable write', ok('-- route: write\n-- reads:\n-- writes: t\n-- cacheable: true\nINSERT INTO t VALUES (1)'), /cannot be cacheable/],
    ['read that writes', ok('-- route: read\n-- reads:\n-- writes: t\n-- cacheable: false\nSELECT 1'), /cannot write tables/],
    ['index out of range', ok('-- route: read\n-- reads:\n-- reads[2]: t\n-- writes:\n-- cacheable: true\nSELECT 1'), /out of range/],
    ['wrong list length', ok('-- route: read, read\n-- reads:\n-- writes:\n-- cacheable: true, true, true\nSELECT 1; SELECT 2'), /lists 3 values for 2/],
    ['no sql', ok('-- route: read\n-- reads:\n-- writes:\n-- cacheable: true\n'), /no SQL/],
    ['duplicate key', ok('-- route: read\n-- reads:\n-- reads: t\n-- writes:\n-- cacheable: true\nSELECT 1'), /duplicate header "reads"/],
    ['unknown type', ok('-- route: read\n-- type: query\n-- reads:\n-- writes:\n-- cacheable: true\nSELECT 1'), /unknown type/],
    ['no header', 'SELECT 1', /no header/],
    ['server on multi', ok('-- route: read, read\n-- reads:\n-- writes:\n-- cacheable: true\n-- server: 18.16\nSELECT 1; SELECT 2'), /exactly one statement/],
    ['session on read', ok('-- route: read\n-- reads:\n-- writes:\n-- cacheable: true\n-- session: use db\nSELECT 1'), /session effect/],
  ];
  for (const [what, text, message] of bad) {
    it(`fails loudly on a case with ${what}`, () => {
      expect(() => parseCaseFile(text, 'f.sql')).to.throw(CorpusFormatError, message);
    });
  }

  it('fails loudly on two cases of one file with the same name', () => {
    const one = ok('-- route: read\n-- reads:\n-- writes:\n-- cacheable: true\nSELECT 1');
    expect(() => parseCaseFile(`${one}\n-- ====\n${one}`, 'f.sql')).to.throw(CorpusFormatError, /duplicate case name/);
  });

  it('loads the whole corpus without a format error', () => {
    const cases = loadCorpus();
    expect(cases.length).to.be.at.least(600);
    const titles = new Set(cases.map((c) => `${c.file}: ${c.name}`));
    expect(titles.size).to.equal(cases.length);
  });
});

describe('grammar case comparison', () => {
  const classification = (over: Partial<StatementClassification>): StatementClassification => ({
    type: 'select', route: 'read', tablesRead: [], tablesWritten: [], tableFunctions: [], dictionaries: [],
    databasesWritten: [], cacheable: true, unknown: false, normalized: '', fingerprint: '', ...over,
  });
  const engineOf = (slices: StatementSlice[], results: StatementClassification[]): Engine => ({
    split: () => slices,
    classify: (sql) => results[slices.findIndex((s) => s.sql === sql)]!,
  });
  const [c] = parseCaseFile(ok('-- route: read\n-- reads: b, a\n-- writes:\n-- functions: numbers\n-- cacheable: true\nSELECT 1'), 'f.sql');

  it('compares lists as sets and function names without case', () => {
    const slice = { start: 0, end: 8, sql: 'SELECT 1', truncated: false };
    const r = runCase(c!, engineOf([slice], [classification({ tablesRead: ['a', 'b', 'a'], tableFunctions: ['Numbers'] })]));
    expect(r.problems).to.deep.equal([]);
  });

  it('reports every difference and a wrong statement count', () => {
    const slice = { start: 0, end: 8, sql: 'SELECT 1', truncated: false };
    const r = runCase(c!, engineOf([slice], [classification({ route: 'write', cacheable: false, tablesRead: ['a'] })]));
    expect(r.problems).to.have.length(4);
    const two = runCase(c!, engineOf([slice, { ...slice, sql: 'SELECT 2' }], [classification({}), classification({})]));
    expect(two.problems[0]).to.match(/expected 1 statement\(s\), splitter found 2/);
  });
});
