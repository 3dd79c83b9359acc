import { expect } from 'chai';
import { applyRuleSettings, findCapOverride, paramsWithRuleSettings } from '../../../src/rules/rule-settings.js';

describe('applyRuleSettings', () => {
  const apply = (query: string, set: Record<string, string>, cap: Record<string, number>) => {
    const params = new URLSearchParams(query);
    applyRuleSettings(params, { set, cap });
    return Object.fromEntries(params);
  };

  it('set replaces the client value', () => {
    expect(apply('max_threads=16&database=x', { max_threads: '4' }, {})).to.deep.equal({ max_threads: '4', database: 'x' });
    expect(apply('', { max_threads: '4' }, {})).to.deep.equal({ max_threads: '4' });
  });

  it('cap keeps a smaller client value, and replaces a larger, absent, unlimited (0) or non-numeric one', () => {
    expect(apply('max_result_rows=10', {}, { max_result_rows: 1000 })).to.deep.equal({ max_result_rows: '10' });
    expect(apply('max_result_rows=1000', {}, { max_result_rows: 1000 })).to.deep.equal({ max_result_rows: '1000' });
    expect(apply('max_result_rows=5000', {}, { max_result_rows: 1000 })).to.deep.equal({ max_result_rows: '1000' });
    expect(apply('', {}, { max_result_rows: 1000 })).to.deep.equal({ max_result_rows: '1000' });
    expect(apply('max_result_rows=0', {}, { max_result_rows: 1000 })).to.deep.equal({ max_result_rows: '1000' });
    expect(apply('max_threads=auto', {}, { max_threads: 2 })).to.deep.equal({ max_threads: '2' });
    expect(apply('max_threads=-1', {}, { max_threads: 2 })).to.deep.equal({ max_threads: '2' });
  });

  it('copies for the cache key, leaving the request params alone', () => {
    const params = new URLSearchParams('max_threads=8');
    expect(paramsWithRuleSettings(params, undefined)).to.equal(params);
    expect(paramsWithRuleSettings(params, { set: {}, cap: { max_threads: 2 } }).get('max_threads')).to.equal('2');
    expect(params.get('max_threads')).to.equal('8');
  });
});

describe('findCapOverride', () => {
  const cap = { set: { max_threads: '4' }, cap: { max_result_rows: 100, max_execution_time: 10 } };

  it('finds a capped setting in the statement\'s own SETTINGS clause', () => {
    expect(findCapOverride('SELECT 1 SETTINGS max_result_rows = 0', cap)).to.equal('max_result_rows');
    expect(findCapOverride('SELECT 1 SETTINGS max_threads = 1 , max_execution_time = 99', cap)).to.equal('max_execution_time');
    expect(findCapOverride('SELECT 1 FROM t SETTINGS max_result_rows = 5 FORMAT TSV', cap)).to.equal('max_result_rows');
  });

  it('leaves other settings, other names and statements without the clause alone', () => {
    expect(findCapOverride('SELECT 1 SETTINGS max_threads = 1', cap)).to.equal(undefined);
    expect(findCapOverride('SELECT 1 SETTINGS my_max_result_rows = 1', cap)).to.equal(undefined);
    expect(findCapOverride('SELECT max_result_rows FROM t', cap)).to.equal(undefined);
    expect(findCapOverride('SELECT 1 SETTINGS max_result_rows = 0', undefined)).to.equal(undefined);
  });
});
