import { expect } from 'chai';
import { formatDataStart, InsertDataLocator, scanValuesData } from '../../../src/sql/insert-data.js';
import { tokenize } from '../../../src/sql/lexer.js';

/** Feeds a statement's tokens to a locator; returns the text of the token where data was found. */
function locate(sql: string): string | undefined {
  const locator = new InsertDataLocator();
  let depth = 0;
  for (const t of tokenize(sql).tokens) {
    const before = depth;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if ((t.text === ')' || t.text === ']' || t.text === '}') && depth > 0) depth--;
    const found = locator.feed(t.kind, t.upper, before);
    if (found !== undefined) return `${found.kind}@${t.text}`;
  }
  return undefined;
}

describe('InsertDataLocator', () => {
  it('stops at VALUES and at the FORMAT name', () => {
    expect(locate('INSERT INTO t VALUES (1)')).to.equal('values@VALUES');
    expect(locate('INSERT INTO db.t (a, b) FORMAT CSV 1,2')).to.equal('format@CSV');
    expect(locate('insert into t settings x = 1 format `TSV`')).to.equal('format@`TSV`');
  });

  it('ignores VALUES and FORMAT in table names, column lists and function arguments', () => {
    expect(locate('INSERT INTO values VALUES (1)')).to.equal('values@VALUES');
    expect(locate('INSERT INTO t (values, format) VALUES (1, 2)')).to.equal('values@VALUES');
    expect(locate("INSERT INTO FUNCTION file('values', 'CSV') FORMAT CSV")).to.equal('format@CSV');
  });

  it('follows INSERT ... SELECT to its FORMAT, but not to values() or format()', () => {
    expect(locate("INSERT INTO t SELECT * FROM input('a Int') FORMAT TSV")).to.equal('format@TSV');
    expect(locate("INSERT INTO t SELECT * FROM values('a Int', 1)")).to.equal(undefined);
    expect(locate("INSERT INTO t SELECT format('{}', 1)")).to.equal(undefined);
    expect(locate('INSERT INTO t SELECT 1 AS format')).to.equal(undefined);
  });

  it('finds nothing in statements that are not INSERTs', () => {
    expect(locate('SELECT * FROM t FORMAT CSV')).to.equal(undefined);
    expect(locate("ALTER TABLE t UPDATE x = 'VALUES' WHERE 1")).to.equal(undefined);
  });
});

describe('formatDataStart', () => {
  it('skips spaces and tabs, then one line break', () => {
    expect(formatDataStart('FORMAT CSV \t\r\n1', 10)).to.equal(14);
    expect(formatDataStart('FORMAT CSV  1', 10)).to.equal(12);
    expect(formatDataStart('FORMAT CSV\n\n1', 10)).to.equal(11);
  });
});

describe('scanValuesData', () => {
  it('stops at a top-level semicolon and trims the spaces before it', () => {
    const text = "(1, ';'), ('(', [';']) ; SELECT 1";
    expect(scanValuesData(text, 0)).to.deep.equal({ stop: 23, end: 22, truncated: false });
  });

  it('runs to the end when there is no semicolon', () => {
    expect(scanValuesData('(1), (2)\n', 0)).to.deep.equal({ stop: 9, end: 8, truncated: false });
  });

  it('reports data cut inside a string, a bracket or a comment', () => {
    expect(scanValuesData("(1, 'a", 0).truncated).to.equal(true);
    expect(scanValuesData('(1, (2', 0).truncated).to.equal(true);
    expect(scanValuesData('(1) /* open', 0).truncated).to.equal(true);
  });

  it('handles escaped and doubled quotes', () => {
    expect(scanValuesData("('it''s', 'a\\'b;') ; x", 0).stop).to.equal(19);
  });
});
