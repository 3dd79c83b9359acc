import { expect } from 'chai';
import {
  describeUpstreamFailure,
  isAmbiguousWriteFailure,
  isAmbiguousWriteResponse,
  isRetryableFailure,
} from '../../../src/upstream/describe-upstream-failure.js';

const failure = (code: string) => describeUpstreamFailure(Object.assign(new Error(code), { code }), 'writer').kind;

describe('describeUpstreamFailure and what may be sent again', () => {
  it('names the failure from undici codes', () => {
    expect(failure('ECONNREFUSED')).to.equal('connect');
    expect(failure('UND_ERR_SOCKET')).to.equal('socket');
    expect(failure('ECONNRESET')).to.equal('socket');
    expect(failure('UND_ERR_HEADERS_TIMEOUT')).to.equal('timeout');
    expect(failure('UND_ERR_ABORTED')).to.equal('aborted');
    expect(failure('SOMETHING_ELSE')).to.equal('other');
  });

  it('counts a TLS handshake or certificate failure as a connection never made (nothing was sent)', () => {
    for (const code of ['ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'CHGATE_TLS_CERT_ALTNAME_INVALID']) {
      expect(failure(code), code).to.equal('connect');
    }
  });

  it('retries a write by itself only when it never reached ClickHouse', () => {
    expect(isRetryableFailure('connect', false)).to.equal(true);
    for (const kind of ['socket', 'timeout', 'other', 'aborted'] as const) expect(isRetryableFailure(kind, false), kind).to.equal(false);
  });

  it('calls a write failure ambiguous when the request may have reached ClickHouse', () => {
    for (const kind of ['socket', 'timeout', 'other'] as const) expect(isAmbiguousWriteFailure(kind), kind).to.equal(true);
    // Never sent, or the client gave up: nothing to resend.
    for (const kind of ['connect', 'aborted'] as const) expect(isAmbiguousWriteFailure(kind), kind).to.equal(false);
  });

  it('calls a response ambiguous when it is a 5xx from something in between, or ClickHouse says the status is unknown', () => {
    expect(isAmbiguousWriteResponse(502, false, undefined)).to.equal(true);
    expect(isAmbiguousWriteResponse(503, false, undefined)).to.equal(true);
    expect(isAmbiguousWriteResponse(404, false, undefined)).to.equal(false);
    expect(isAmbiguousWriteResponse(500, true, 319)).to.equal(true);
    expect(isAmbiguousWriteResponse(500, true, 999)).to.equal(true);
    // ClickHouse's own error about the query: it was not applied, and the same INSERT would fail the same way.
    expect(isAmbiguousWriteResponse(500, true, 252)).to.equal(false);
    expect(isAmbiguousWriteResponse(400, true, 62)).to.equal(false);
    expect(isAmbiguousWriteResponse(500, true, undefined)).to.equal(false);
  });
});
