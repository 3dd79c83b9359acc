import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { isFastPathCandidate, requestSignature } from '../../../src/server/request-signature.js';

function request(method: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage;
}
const url = (search: string) => new URL(`/${search}`, 'http://chgate');
const body = (text: string) => Buffer.from(text, 'utf8');

describe('request signature', () => {
  const base = requestSignature('alice', request('POST'), url('?database=db'), body('SELECT 1'));

  it('ignores query_id, which clients change with every request', () => {
    expect(requestSignature('alice', request('POST'), url('?query_id=a1&database=db'), body('SELECT 1'))).to.equal(base);
    expect(requestSignature('alice', request('POST'), url('?database=db&query_id=b2'), body('SELECT 1'))).to.equal(base);
  });

  it('changes with the user, method, parameters, the headers that matter, and the body', () => {
    const variants = [
      requestSignature('bob', request('POST'), url('?database=db'), body('SELECT 1')),
      requestSignature('alice', request('GET'), url('?database=db'), body('SELECT 1')),
      requestSignature('alice', request('POST'), url('?database=db2'), body('SELECT 1')),
      requestSignature('alice', request('POST'), url('?database=db&max_threads=1'), body('SELECT 1')),
      requestSignature('alice', request('POST', { 'x-clickhouse-database': 'x' }), url('?database=db'), body('SELECT 1')),
      requestSignature('alice', request('POST', { 'x-clickhouse-format': 'JSON' }), url('?database=db'), body('SELECT 1')),
      requestSignature('alice', request('POST', { 'accept-encoding': 'gzip' }), url('?database=db'), body('SELECT 1')),
      requestSignature('alice', request('POST', { 'x-clickhouse-quota': 'k' }), url('?database=db'), body('SELECT 1')),
      requestSignature('alice', request('POST', { 'content-type': 'multipart/form-data' }), url('?database=db'), body('SELECT 1')),
      requestSignature('alice', request('POST'), url('?database=db'), body('SELECT 2')),
      requestSignature('alice', request('POST'), url('?database=db'), body('SELECT 1 ')),
      requestSignature('alice', request('POST'), url('?database=db'), undefined),
    ];
    expect(new Set([base, ...variants]).size).to.equal(variants.length + 1);
  });

  it('cannot be forged by moving text between the user name and the URL', () => {
    expect(requestSignature('a', request('GET'), url('?b'), undefined)).to.not.equal(requestSignature('a?', request('GET'), url('b'), undefined));
  });

  it('tells different bytes apart even when they are not valid UTF-8', () => {
    const a = requestSignature('alice', request('POST'), url(''), Buffer.from([0xc3, 0x28]));
    const b = requestSignature('alice', request('POST'), url(''), Buffer.from([0xc3, 0x29]));
    expect(a).to.not.equal(b);
  });

  it('reads only small, plain POST bodies and GETs', () => {
    expect(isFastPathCandidate(request('GET'), 100)).to.equal(true);
    expect(isFastPathCandidate(request('HEAD'), 100)).to.equal(false);
    expect(isFastPathCandidate(request('POST', { 'content-length': '100' }), 100)).to.equal(true);
    expect(isFastPathCandidate(request('POST', { 'content-length': '101' }), 100)).to.equal(false);
    expect(isFastPathCandidate(request('POST', { 'transfer-encoding': 'chunked' }), 100)).to.equal(false);
    expect(isFastPathCandidate(request('POST', { 'content-length': '10', 'content-encoding': 'gzip' }), 100)).to.equal(false);
    expect(isFastPathCandidate(request('POST', { 'content-length': '10', 'content-encoding': 'identity' }), 100)).to.equal(true);
  });
});
