import { expect } from 'chai';
import {
  isDictionaryFunction,
  isJoinGetFunction,
  isNonDeterministicFunction,
  isOutsideDataFunction,
  readsOutsideData,
} from '../../../src/sql/function-catalog.js';

describe('function catalog', () => {
  it('knows ClickHouse\'s non-deterministic functions, in any case', () => {
    for (const name of ['now', 'NOW', 'today', 'yesterday', 'rand', 'rand64', 'randUniform', 'generateUUIDv4', 'randomString',
      'currentUser', 'queryID', 'rowNumberInBlock', 'blockSize', 'runningDifference', 'nowInBlock', 'hostName', 'uptime']) {
      expect(isNonDeterministicFunction(name), name).to.equal(true);
    }
    for (const name of ['count', 'sum', 'toDate', 'lower', 'dictGet', 'arrayMap', 'throwIf']) {
      expect(isNonDeterministicFunction(name), name).to.equal(false);
    }
  });

  it('treats only self-contained table functions as not reading outside data', () => {
    for (const name of ['numbers', 'numbers_mt', 'zeros', 'values', 'null', 'format', 'generate_series', 'view']) {
      expect(readsOutsideData(name), name).to.equal(false);
    }
    for (const name of ['url', 'file', 's3', 'remote', 'remoteSecure', 'mysql', 'postgresql', 'jdbc', 'odbc', 'hdfs',
      'cluster', 'clusterAllReplicas', 'input', 'merge', 'generateRandom', 'someNewFunction']) {
      expect(readsOutsideData(name), name).to.equal(true);
    }
  });

  it('knows which non-deterministic functions read outside data', () => {
    for (const name of ['file', 'FILE', 'hasColumnInTable']) {
      expect(isOutsideDataFunction(name), name).to.equal(true);
      expect(isNonDeterministicFunction(name), name).to.equal(true);
    }
    for (const name of ['now', 'rand', 'currentUser', 'count']) expect(isOutsideDataFunction(name), name).to.equal(false);
  });

  it('recognises dictionary and joinGet functions', () => {
    for (const name of ['dictGet', 'dictGetOrDefault', 'dictGetString', 'dictGetUInt64OrDefault', 'dictHas', 'dictIsIn', 'dictGetHierarchy']) {
      expect(isDictionaryFunction(name), name).to.equal(true);
    }
    expect(isDictionaryFunction('dict')).to.equal(false);
    expect(isJoinGetFunction('joinGet')).to.equal(true);
    expect(isJoinGetFunction('joinGetOrNull')).to.equal(true);
  });
});
