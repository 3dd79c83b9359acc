import { expectClassification, expectUnknown } from '../classification-expectations.js';

describe('statements/insert', () => {
  it('writes the target, reads the SELECT part', () => {
    expectClassification('INSERT INTO db.t (a, b) SELECT a, b FROM src JOIN dim USING (k) WHERE c IN (SELECT c FROM f)', {
      type: 'insert', route: 'write', writes: ['db.t'], reads: ['dim', 'f', 'src'], cacheable: false,
    });
    expectClassification('INSERT INTO TABLE t WITH x AS (SELECT 1 FROM w) SELECT * FROM x', { writes: ['t'], reads: ['w'] });
    expectClassification('INSERT INTO t (SELECT * FROM s)', { writes: ['t'], reads: ['s'] });
  });

  it('stops at VALUES and FORMAT', () => {
    expectClassification('INSERT INTO t VALUES', { writes: ['t'], reads: [] });
    expectClassification('INSERT INTO t (* EXCEPT (b)) SETTINGS async_insert = 1 FORMAT JSONEachRow', { writes: ['t'], unknown: false });
    expectClassification("INSERT INTO t FROM INFILE 'data.csv' COMPRESSION 'gzip' FORMAT CSV", { writes: ['t'], unknown: false });
    expectClassification("INSERT INTO t SELECT * FROM input('a Int32') FORMAT CSV", { writes: ['t'], functions: ['input'] });
    expectClassification('INSERT INTO t', { writes: ['t'], unknown: false });
  });

  it('records an INSERT INTO FUNCTION target as a table function', () => {
    expectClassification("INSERT INTO FUNCTION remote('h', db.t) VALUES", { writes: [], functions: ['remote'], route: 'write' });
    expectClassification('INSERT INTO TABLE FUNCTION null(\'a Int8\') SELECT 1', { functions: ['null'] });
  });

  it('takes a leading WITH as part of the INSERT (never as a read)', () => {
    expectClassification('WITH x AS (SELECT 1 FROM s) INSERT INTO t SELECT * FROM x', { type: 'insert', route: 'write', writes: ['t'], reads: ['s'] });
  });

  it('writes a run-time table without naming it', () => {
    expectClassification('INSERT INTO {t:Identifier} VALUES', { route: 'write', writes: [], parameters: ['t'] });
  });

  it('refuses malformed INSERTs, still as writes', () => {
    expectUnknown('INSERT t VALUES');
    expectUnknown('INSERT INTO (a) VALUES');
    expectUnknown('INSERT INTO t garbage here');
  });
});
