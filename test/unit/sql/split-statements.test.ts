import { expect } from 'chai';
import { splitStatements } from '../../../src/sql/split-statements.js';

function sqls(text: string): string[] {
  return splitStatements(text).map((s) => s.sql);
}

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    expect(sqls('SELECT 1; ;; SELECT 2;')).to.deep.equal(['SELECT 1', 'SELECT 2']);
    expect(splitStatements(' -- only a comment\n ; /* and another */ ;')).to.deep.equal([]);
    expect(splitStatements('')).to.deep.equal([]);
  });

  it('does not split inside strings, identifiers, comments or heredocs', () => {
    expect(sqls("SELECT ';'; SELECT `;`, \";\" -- ;\n; SELECT /* ; */ 3; SELECT $$;$$")).to.deep.equal([
      "SELECT ';'", 'SELECT `;`, ";"', 'SELECT /* ; */ 3', 'SELECT $$;$$',
    ]);
  });

  it('starts a statement after leading whitespace and comments and ends it at its last token', () => {
    const [slice] = splitStatements('  /* hi */ -- there\n SELECT 1 -- trailing\n ;');
    expect(slice).to.deep.include({ start: 21, end: 29, sql: 'SELECT 1', truncated: false });
  });

  it('finds VALUES data and lets statements follow it', () => {
    const text = "INSERT INTO t (a, b) VALUES (1, 'x;y'), (2, ')') ; SELECT 2";
    const [insert, select] = splitStatements(text);
    expect(insert?.sql).to.equal('INSERT INTO t (a, b) VALUES');
    expect(insert?.data?.kind).to.equal('values');
    expect(text.slice(insert?.data?.start, insert?.data?.end)).to.equal("(1, 'x;y'), (2, ')')");
    expect(select?.sql).to.equal('SELECT 2');
  });

  it('treats everything after FORMAT name as data, starting after the first line break', () => {
    const text = 'INSERT INTO db.t FORMAT CSV  \n1,"a;b"\n2,\'\n; SELECT 1';
    const slices = splitStatements(text);
    expect(slices).to.have.length(1);
    expect(slices[0]?.sql).to.equal('INSERT INTO db.t FORMAT CSV');
    expect(slices[0]?.data).to.deep.equal({ start: 30, end: text.length, kind: 'format' });
    expect(slices[0]?.end).to.equal(text.length);
  });

  it('starts FORMAT data after the spaces when there is no line break', () => {
    const text = 'INSERT INTO t FORMAT JSONEachRow {"a":1}';
    expect(splitStatements(text)[0]?.data).to.deep.equal({ start: 33, end: text.length, kind: 'format' });
  });

  it('handles INSERT ... FORMAT with no data, and FORMAT Values', () => {
    expect(splitStatements('INSERT INTO t FORMAT TSV')[0]).to.deep.equal({ start: 0, end: 24, sql: 'INSERT INTO t FORMAT TSV', truncated: false });
    const values = splitStatements('INSERT INTO t FORMAT Values (1), (2); SELECT 1');
    expect(values).to.have.length(1);
    expect(values[0]?.data?.kind).to.equal('format');
  });

  it('ends an INSERT at a semicolon glued to the format name (ClickHouse refuses it as data)', () => {
    expect(sqls('INSERT INTO t FORMAT TSV;SELECT 1')).to.deep.equal(['INSERT INTO t FORMAT TSV', 'SELECT 1']);
  });

  it('knows the INSERT forms: SETTINGS, column lists, FUNCTION, TABLE, SELECT with input()', () => {
    expect(splitStatements('INSERT INTO t SETTINGS async_insert = 1 VALUES (1)')[0]?.data?.kind).to.equal('values');
    expect(splitStatements('INSERT INTO TABLE db.t (a, `values`) VALUES (1, 2)')[0]?.sql).to.equal('INSERT INTO TABLE db.t (a, `values`) VALUES');
    expect(splitStatements("INSERT INTO FUNCTION remote('h', db.t) (a) VALUES (1)")[0]?.data?.kind).to.equal('values');
    expect(splitStatements("INSERT INTO t SELECT * FROM input('a Int32') FORMAT CSV\n1\n")[0]?.data?.kind).to.equal('format');
    expect(splitStatements("INSERT INTO t FROM INFILE 'f.csv' COMPRESSION 'gzip' FORMAT CSV")[0]?.data).to.equal(undefined);
  });

  it('does not take values() or a FORMAT inside an INSERT ... SELECT for data', () => {
    expect(sqls("INSERT INTO t SELECT * FROM values('a Int8', 1, 2); SELECT 3")).to.deep.equal([
      "INSERT INTO t SELECT * FROM values('a Int8', 1, 2)", 'SELECT 3',
    ]);
    expect(sqls("INSERT INTO t SELECT format('{}', x) AS format FROM s; SELECT 4")).to.have.length(2);
    expect(sqls('SELECT 1 FORMAT JSON; SELECT 2')).to.deep.equal(['SELECT 1 FORMAT JSON', 'SELECT 2']);
  });

  it('finds the INSERT behind a leading WITH', () => {
    expect(splitStatements('WITH 1 AS x INSERT INTO t VALUES (1)')[0]?.data?.kind).to.equal('values');
  });

  it('extends an unterminated string, comment or bracket to the end and marks it truncated', () => {
    expect(splitStatements("SELECT 'abc; SELECT 2")).to.deep.equal([{ start: 0, end: 21, sql: "SELECT 'abc; SELECT 2", truncated: true }]);
    expect(splitStatements('SELECT 1 /* open; SELECT 2')[0]?.truncated).to.equal(true);
    expect(splitStatements('SELECT (1; DROP TABLE x')[0]?.truncated).to.equal(true);
    expect(splitStatements('SELECT 1; /* only an open comment')).to.deep.equal([
      { start: 0, end: 8, sql: 'SELECT 1', truncated: false },
      { start: 10, end: 33, sql: '/* only an open comment', truncated: true },
    ]);
  });

  it('marks VALUES data cut inside a string or tuple as truncated', () => {
    const [slice] = splitStatements("INSERT INTO t VALUES (1, 'ab");
    expect(slice?.truncated).to.equal(true);
    expect(slice?.sql).to.equal('INSERT INTO t VALUES');
    expect(splitStatements('INSERT INTO t VALUES (1, 2')[0]?.truncated).to.equal(true);
  });

  it('skips comments inside VALUES data', () => {
    expect(sqls("INSERT INTO t VALUES (1) -- no; split\n, (2) /* ; */; SELECT 2")).to.deep.equal(['INSERT INTO t VALUES', 'SELECT 2']);
  });

  it('never throws on text cut anywhere', () => {
    const text = "INSERT INTO t VALUES (1, 'a'); SELECT $h$x$h$ /* c */ FROM `t`; INSERT INTO u FORMAT CSV\n1,2";
    for (let i = 0; i <= text.length; i++) expect(() => splitStatements(text.slice(0, i))).not.to.throw();
  });
});
