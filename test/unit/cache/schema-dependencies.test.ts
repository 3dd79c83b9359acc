import { expect } from 'chai';
import {
  buildSchemaGraph,
  dependentsClosure,
  graphFromConfig,
  materializedViewTargetOf,
  mayChangeSchema,
  parseEngineArguments,
  parseSchemaRows,
  viewSelectOf,
  type SchemaTableRow,
} from '../../../src/cache/schema-dependencies.js';
import { createSqlClassifier } from '../../../src/sql/create-sql-classifier.js';

const classifier = createSqlClassifier();
const classify = (sql: string) => classifier.classify(sql);

const row = (name: string, engine: string, createQuery: string, engineFull = '', fed: string[] = []): SchemaTableRow => ({
  database: 'h3x',
  name,
  engine,
  engine_full: engineFull,
  create_table_query: createQuery,
  dependencies_database: fed.map(() => 'h3x'),
  dependencies_table: fed,
});

// As ClickHouse 18.16 lists them in system.tables (create_table_query, engine_full).
const schema: SchemaTableRow[] = [
  row('.inner.mv_inner', 'SummingMergeTree', 'CREATE TABLE h3x.`.inner.mv_inner` ( k UInt64,  c UInt64) ENGINE = SummingMergeTree ORDER BY k', 'SummingMergeTree ORDER BY k'),
  row('buf', 'Buffer', 'CREATE TABLE h3x.buf ( k UInt64,  v String) ENGINE = Buffer(h3x, t, 16, 10, 100, 10000, 1000000, 10000000, 100000000)', 'Buffer(h3x, t, 16, 10, 100, 10000, 1000000, 10000000, 100000000)'),
  row('dist', 'Distributed', 'CREATE TABLE h3x.dist ( k UInt64,  v String) ENGINE = Distributed(chgate_local, h3x, t)', 'Distributed(chgate_local, h3x, t)'),
  row('merged', 'Merge', "CREATE TABLE h3x.merged ( k UInt64,  v String) ENGINE = Merge(h3x, '^t$')", "Merge(h3x, '^t$')"),
  row('mv_inner', 'MaterializedView', 'CREATE MATERIALIZED VIEW h3x.mv_inner ( k UInt64,  c UInt64) ENGINE = SummingMergeTree ORDER BY k SETTINGS index_granularity = 8192 AS SELECT k, count() AS c FROM h3x.t  GROUP BY k', 'SummingMergeTree ORDER BY k'),
  row('mv_to', 'MaterializedView', 'CREATE MATERIALIZED VIEW h3x.mv_to TO h3x.target ( k UInt64,  c UInt64) AS SELECT k, count() AS c FROM h3x.t  GROUP BY k'),
  row('t', 'ReplacingMergeTree', 'CREATE TABLE h3x.t ( k UInt64,  v String) ENGINE = ReplacingMergeTree ORDER BY k', 'ReplacingMergeTree ORDER BY k', ['mv_inner', 'mv_to']),
  row('target', 'SummingMergeTree', 'CREATE TABLE h3x.target ( k UInt64,  c UInt64) ENGINE = SummingMergeTree ORDER BY k', 'SummingMergeTree ORDER BY k'),
  row('v', 'View', 'CREATE VIEW h3x.v ( k UInt64,  v String) AS SELECT k, v FROM h3x.t  WHERE k > 0'),
  row('v_of_v', 'View', 'CREATE VIEW h3x.v_of_v ( c UInt64) AS SELECT count() AS c FROM v'),
  row('other', 'MergeTree', 'CREATE TABLE h3x.other ( k UInt64) ENGINE = MergeTree ORDER BY k', 'MergeTree ORDER BY k'),
];

describe('schema dependencies', () => {
  it('reads engine arguments: names, string literals, expressions', () => {
    expect(parseEngineArguments('Distributed(chgate_local, h3x, t)')).to.deep.equal([
      { kind: 'value', value: 'chgate_local' },
      { kind: 'value', value: 'h3x' },
      { kind: 'value', value: 't' },
    ]);
    expect(parseEngineArguments("Distributed('c', `my db`, \"t\", rand())")?.map((arg) => (arg.kind === 'value' ? arg.value : '?'))).to.deep.equal(['c', 'my db', 't', '?']);
    expect(parseEngineArguments("Merge(currentDatabase(), '^a')")?.[0]).to.deep.equal({ kind: 'expression' });
    expect(parseEngineArguments('MergeTree ORDER BY k')).to.equal(undefined);
  });

  it('finds a view\'s SELECT after its column list and engine clause, and a materialized view\'s TO target', () => {
    expect(viewSelectOf('CREATE VIEW db.v ( `count()` UInt64) AS SELECT count() FROM db.t ')).to.equal('SELECT count() FROM db.t ');
    expect(viewSelectOf('CREATE MATERIALIZED VIEW db.m (k UInt64) ENGINE = MergeTree ORDER BY k AS WITH 1 AS x SELECT x')).to.equal('WITH 1 AS x SELECT x');
    expect(viewSelectOf('CREATE TABLE db.t (k UInt64 DEFAULT 1) ENGINE = Memory')).to.equal(undefined);
    expect(materializedViewTargetOf('CREATE MATERIALIZED VIEW h3x.mv_to TO h3x.target ( k UInt64) AS SELECT 1', 'h3x')).to.equal('h3x.target');
    expect(materializedViewTargetOf('CREATE MATERIALIZED VIEW mv TO `tgt` AS SELECT 1', 'd')).to.equal('d.tgt');
    expect(materializedViewTargetOf('CREATE MATERIALIZED VIEW h3x.m ( k UInt64) ENGINE = Log AS SELECT 1', 'h3x')).to.equal(undefined);
  });

  it('builds the graph: views, MV targets and inner tables, Distributed, Buffer, Merge', () => {
    const graph = buildSchemaGraph(schema, classify);
    expect(graph.opaque).to.deep.equal([]);
    expect(graph.edges.get('h3x.t')).to.deep.equal(['h3x..inner.mv_inner', 'h3x.buf', 'h3x.dist', 'h3x.merged', 'h3x.mv_inner', 'h3x.mv_to', 'h3x.target', 'h3x.v']);
    expect(graph.edges.get('h3x.dist')).to.deep.equal(['h3x.t']);
    expect(graph.edges.get('h3x.buf')).to.deep.equal(['h3x.t']);
    expect(graph.edges.get('h3x.mv_to')).to.deep.equal(['h3x.target']);
    expect(graph.edges.get('h3x.target')).to.deep.equal(['h3x.mv_to']);
    expect(graph.edges.get('h3x.v')).to.deep.equal(['h3x.v_of_v']);
    expect(graph.edges.has('h3x.other')).to.equal(false);
  });

  it('closes over the graphs transitively: a write to T reaches views of views, MV targets, Distributed and Merge tables', () => {
    const graph = buildSchemaGraph(schema, classify);
    expect(dependentsClosure(['h3x.t'], [graph])).to.include.members(['h3x.t', 'h3x.v', 'h3x.v_of_v', 'h3x.target', 'h3x.mv_to', 'h3x..inner.mv_inner', 'h3x.dist', 'h3x.merged', 'h3x.buf']);
    expect(dependentsClosure(['h3x.other'], [graph])).to.deep.equal(['h3x.other']);
    // A write to the Distributed table reaches its local table, and everything over that.
    expect(dependentsClosure(['h3x.dist'], [graph])).to.include.members(['h3x.t', 'h3x.v']);
    // Configured edges and learned ones chain.
    const configured = graphFromConfig({ 'x.a': ['h3x.t'], b: ['c'] });
    expect(dependentsClosure(['x.a'], [configured, graph])).to.include.members(['x.a', 'h3x.t', 'h3x.v_of_v']);
    expect(dependentsClosure(['default.b'], [configured, graph])).to.deep.equal(['default.b', 'default.c']);
  });

  it('makes a view opaque when its sources cannot be known, and opaque tables change with every write', () => {
    const rows = [
      row('t', 'MergeTree', 'CREATE TABLE h3x.t (k UInt64) ENGINE = MergeTree ORDER BY k', 'MergeTree ORDER BY k'),
      row('remote_view', 'View', "CREATE VIEW h3x.remote_view (k UInt64) AS SELECT k FROM remote('127.0.0.1', h3x, t)"),
      row('odd', 'Distributed', 'CREATE TABLE h3x.odd (k UInt64) ENGINE = Distributed(c, currentDatabase(), t)', 'Distributed(c, currentDatabase(), t)'),
    ];
    const graph = buildSchemaGraph(rows, classify);
    expect(graph.opaque).to.deep.equal(['h3x.odd', 'h3x.remote_view']);
    expect(dependentsClosure(['elsewhere.x'], [graph])).to.deep.equal(['elsewhere.x', 'h3x.odd', 'h3x.remote_view']);
    expect(dependentsClosure([], [graph])).to.deep.equal([]);
  });

  it('matches Merge tables by regexp within their database, and every table when the regexp does not compile', () => {
    const rows = [
      row('log_1', 'MergeTree', '', 'MergeTree ORDER BY k'),
      row('log_2', 'MergeTree', '', 'MergeTree ORDER BY k'),
      row('other', 'MergeTree', '', 'MergeTree ORDER BY k'),
      row('logs', 'Merge', '', "Merge(h3x, '^log_')"),
      row('broken', 'Merge', '', "Merge(h3x, '(')"),
    ];
    const graph = buildSchemaGraph(rows, classify);
    expect(graph.edges.get('h3x.log_1')).to.deep.equal(['h3x.broken', 'h3x.logs']);
    expect(graph.edges.get('h3x.other')).to.deep.equal(['h3x.broken']);
  });

  it('parses JSONEachRow rows and refuses rows without the basic columns', () => {
    const rows = parseSchemaRows('{"database":"d","name":"t","engine":"View","uuid":"x","dependencies_table":[]}\n\n');
    expect(rows).to.have.length(1);
    expect(rows[0]?.uuid).to.equal('x');
    expect(() => parseSchemaRows('{"database":"d"}\n')).to.throw(/unexpected system.tables row/);
  });

  it('says which statements may change the schema', () => {
    const is = (sql: string): boolean => mayChangeSchema(classify(sql));
    expect(is('CREATE VIEW v AS SELECT 1')).to.equal(true);
    expect(is('DROP TABLE t')).to.equal(true);
    expect(is('RENAME TABLE a TO b')).to.equal(true);
    expect(is('INSERT INTO t VALUES')).to.equal(false);
    expect(is('ALTER TABLE t DELETE WHERE 1')).to.equal(false);
    expect(mayChangeSchema({ type: 'alter', route: 'write', unknown: false, normalized: 'ALTER TABLE mv modify query SELECT 1' })).to.equal(true);
    expect(mayChangeSchema({ type: 'select', route: 'read', unknown: true, normalized: '???' })).to.equal(true);
    expect(is('SELECT 1')).to.equal(false);
  });
});
