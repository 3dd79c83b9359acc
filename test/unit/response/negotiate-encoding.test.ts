import { expect } from 'chai';
import { negotiateEncoding, parseAcceptEncoding } from '../../../src/response/negotiate-encoding.js';

describe('negotiateEncoding', () => {
  const clickhouse1816 = ['gzip', 'deflate'];

  it('reads codings and q-values, case and spaces aside; the first mention counts', () => {
    expect([...parseAcceptEncoding(' GZip ;q=0.5, br, deflate;q=0 , gzip;q=1, x;q=abc, ;q=1')]).to.deep.equal([
      ['gzip', 0.5],
      ['br', 1],
      ['deflate', 0],
      ['x', 1],
    ]);
  });

  it('asks ClickHouse for an encoding it makes whenever the client takes one, even when the client rates br higher', () => {
    expect(negotiateEncoding('gzip, deflate, br', clickhouse1816)).to.deep.equal({ by: 'clickhouse', encoding: 'gzip' });
    expect(negotiateEncoding('br;q=1, gzip;q=0.1', clickhouse1816)).to.deep.equal({ by: 'clickhouse', encoding: 'gzip' });
    expect(negotiateEncoding('deflate', clickhouse1816)).to.deep.equal({ by: 'clickhouse', encoding: 'deflate' });
    expect(negotiateEncoding('gzip;q=0, deflate', clickhouse1816)).to.deep.equal({ by: 'clickhouse', encoding: 'deflate' });
    expect(negotiateEncoding('gzip;q=0.2, deflate;q=0.8', clickhouse1816)).to.deep.equal({ by: 'clickhouse', encoding: 'deflate' });
    // A tie goes to the operator's order.
    expect(negotiateEncoding('deflate, gzip', clickhouse1816)).to.deep.equal({ by: 'clickhouse', encoding: 'gzip' });
    expect(negotiateEncoding('*', clickhouse1816)).to.deep.equal({ by: 'clickhouse', encoding: 'gzip' });
    // A newer server that makes br natively.
    expect(negotiateEncoding('br', ['br', 'gzip'])).to.deep.equal({ by: 'clickhouse', encoding: 'br' });
  });

  it('compresses in chgate only what ClickHouse cannot make', () => {
    expect(negotiateEncoding('br', clickhouse1816)).to.deep.equal({ by: 'chgate', encoding: 'br' });
    expect(negotiateEncoding('br, zstd', clickhouse1816)).to.deep.equal({ by: 'chgate', encoding: 'br' });
    expect(negotiateEncoding('gzip', [])).to.deep.equal({ by: 'chgate', encoding: 'gzip' });
  });

  it('leaves the response alone when nothing acceptable is on offer', () => {
    for (const header of [undefined, '', ' ', 'identity', 'zstd', 'gzip;q=0, deflate;q=0, br;q=0', '*;q=0', 'identity, *;q=0']) {
      expect(negotiateEncoding(header, clickhouse1816), String(header)).to.equal(undefined);
    }
  });
});
