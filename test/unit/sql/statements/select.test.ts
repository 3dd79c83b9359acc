import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/select', () => {
  it('reads FROM tables, qualified or not, quotes removed', () => {
    expectClassification('SELECT * FROM events', { type: 'select', route: 'read', reads: ['events'], cacheable: true });
    expectClassification('SELECT * FROM `my db`."my table"', { reads: ['my db.my table'] });
  });

  it('reads every JOIN kind, comma joins and bracketed joins', () => {
    expectClassification(
      'SELECT * FROM a, b GLOBAL ANY LEFT JOIN c USING (k) ASOF JOIN d ON a.t >= d.t INNER JOIN e ON 1 ' +
        'RIGHT OUTER JOIN f ON 1 FULL JOIN g ON 1 CROSS JOIN h LEFT SEMI JOIN i ON 1 ANTI JOIN j ON 1 PASTE JOIN k ' +
        'LOCAL JOIN l ON 1 JOIN (m JOIN n ON 1) ON 1',
      { reads: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n'] },
    );
  });

  it('does not take ARRAY JOIN expressions for tables', () => {
    expectClassification('SELECT x FROM t ARRAY JOIN arr AS x LEFT ARRAY JOIN nested.a AS y', { reads: ['t'] });
  });

  it('reads subqueries in FROM, IN, EXISTS and scalar position, and a bare table after IN', () => {
    expectClassification(
      'SELECT (SELECT max(x) FROM s1) FROM (SELECT * FROM s2) AS q WHERE id IN (SELECT id FROM s3) ' +
        'AND EXISTS (SELECT 1 FROM s4) AND k GLOBAL NOT IN db.s5',
      { reads: ['db.s5', 's1', 's2', 's3', 's4'], cacheable: true },
    );
  });

  it('knows both CTE forms: CTE names and WITH aliases are not tables, CTE bodies are read', () => {
    expectClassification('WITH u AS (SELECT id FROM users), 5 AS n, (SELECT max(v) FROM m) AS top SELECT * FROM u WHERE id IN u AND x IN n', {
      reads: ['m', 'users'],
    });
    expectClassification('WITH t AS (SELECT * FROM t) SELECT * FROM t', { reads: ['t'] });
    expectClassification('WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r', { reads: [] });
    expectClassification('WITH c AS MATERIALIZED (SELECT 1 FROM base) SELECT * FROM c', { reads: ['base'] });
  });

  it('propagates a WITH to every branch of a UNION, and a qualified name is never a CTE', () => {
    expectClassification('WITH c AS (SELECT 1 FROM base) SELECT * FROM c UNION ALL SELECT * FROM c', { reads: ['base'] });
    expectClassification('WITH c AS (SELECT 1) SELECT * FROM db.c', { reads: ['db.c'] });
  });

  it('reads every branch of UNION / INTERSECT / EXCEPT, bracketed or not', () => {
    expectClassification('(SELECT a FROM x) UNION DISTINCT SELECT a FROM y INTERSECT SELECT a FROM z EXCEPT (SELECT a FROM w)', {
      reads: ['w', 'x', 'y', 'z'],
    });
  });

  it('handles the ClickHouse clauses', () => {
    expectClassification(
      "SELECT DISTINCT ON (a) a, b FROM t FINAL SAMPLE 1/10 OFFSET 1/2 PREWHERE x = 1 WHERE y = 2 GROUP BY a WITH ROLLUP WITH TOTALS " +
        "HAVING count() > 1 WINDOW w AS (PARTITION BY a) QUALIFY row_number() OVER w = 1 ORDER BY a WITH FILL FROM 1 TO 10 STEP 1 " +
        "LIMIT 1 BY a LIMIT 10 OFFSET 5 SETTINGS max_threads = 1 FORMAT JSONEachRow",
      { reads: ['t'], cacheable: true, unknown: false },
    );
    expectClassification('SELECT TOP 5 a FROM t', { reads: ['t'] });
    expectClassification('SELECT a FROM t ORDER BY a OFFSET 10 ROWS FETCH FIRST 5 ROWS ONLY', { reads: ['t'] });
    expectClassification("SELECT a FROM t INTO OUTFILE 'out.csv' FORMAT CSV", { reads: ['t'] });
  });

  it('tells column transformers from set operations', () => {
    expectClassification('SELECT * EXCEPT (secret) REPLACE (x * 2 AS x) APPLY(toString) FROM t', { reads: ['t'] });
    expectClassification("SELECT COLUMNS('^a') EXCEPT a1 FROM t", { reads: ['t'] });
  });

  it('records table functions and decides cacheability by what they read', () => {
    expectClassification('SELECT * FROM numbers(10)', { functions: ['numbers'], cacheable: true });
    expectClassification("SELECT * FROM remote('h', db.t)", { functions: ['remote'], reads: [], cacheable: false });
    expectClassification("SELECT * FROM merge(currentDatabase(), '^t')", { functions: ['merge'], cacheable: false });
    expectClassification('SELECT * FROM view(SELECT a FROM base)', { functions: ['view'], reads: ['base'], cacheable: true });
    expectClassification("SELECT * FROM dictionary('geo.regions')", { functions: ['dictionary'], dictionaries: ['geo.regions'] });
  });

  it('records dictionaries and keeps dictGet cacheable', () => {
    expectClassification("SELECT dictGetString('geo', 'name', toUInt64(1)), dictHas(db.d, 2)", { dictionaries: ['db.d', 'geo'], cacheable: true });
  });

  it('never caches non-deterministic functions, server state or run-time tables', () => {
    expectClassification('SELECT now()', { cacheable: false, route: 'read' });
    expectClassification('SELECT * FROM t WHERE ts > today() - 1', { cacheable: false });
    expectClassification('SELECT * FROM system.processes', { reads: ['system.processes'], cacheable: false });
    expectClassification('SELECT * FROM information_schema.tables', { cacheable: false });
    expectClassification('SELECT * FROM {t:Identifier}', { reads: [], cacheable: false, parameters: ['t'] });
  });

  it('reports query parameters, which stay cacheable (their values are part of the request)', () => {
    expectClassification('SELECT * FROM t WHERE id = {id:UInt64} AND s IN {set:Array(String)}', {
      reads: ['t'], cacheable: true, parameters: ['id', 'set'],
    });
  });

  it('refuses malformed queries', () => {
    expectUnknown('SELECT');
    expectUnknown('SELECT FROM t');
    expectUnknown('SELECT * FROM');
    expectUnknown('SELECT * FORM db.t');
    expectUnknown('SELECT SELECT 1');
    expectUnknown('SELECT , a FROM t');
    expectUnknown('SELECT * FROM t WHERE');
    expectUnknown('SELECT * FROM t GROUP x');
    expectUnknown('WITH d AS (DELETE FROM t) SELECT * FROM d');
    expectUnknown('SELECT * FROM t AS');
    expectUnknown('SELECT 1 FORMAT');
  });
});
