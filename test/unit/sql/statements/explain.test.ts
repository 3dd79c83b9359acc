import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/explain', () => {
  it('is a read whatever it explains, reading what the statement would read', () => {
    expectClassification('EXPLAIN SELECT * FROM a JOIN b USING (k)', { type: 'explain', route: 'read', reads: ['a', 'b'], cacheable: false });
    expectClassification('EXPLAIN PLAN header = 1, actions = 1 SELECT 1 FROM t', { reads: ['t'] });
    expectClassification('EXPLAIN PIPELINE INSERT INTO t SELECT * FROM s', { route: 'read', reads: ['s'], writes: [] });
    expectClassification('EXPLAIN AST ALTER TABLE t DELETE WHERE 1', { route: 'read', writes: [] });
    expectClassification('EXPLAIN QUERY TREE SELECT 1', { route: 'read' });
    expectClassification('EXPLAIN SYNTAX SELEC garbage', { route: 'read', unknown: false });
  });

  it('is still unknown when the text itself is broken', () => {
    expectUnknown("EXPLAIN SELECT 'unterminated");
    expectUnknown('EXPLAIN SELECT 1; DROP TABLE t');
  });
});
