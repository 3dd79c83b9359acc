import { expect } from 'chai';
import { ChgateError } from '../../../src/errors/error-catalogue.js';
import { applySessionParams, readSessionRequest } from '../../../src/session/session-params.js';

describe('session parameters', () => {
  const config = { defaultTimeoutSeconds: 60, maxTimeoutSeconds: 3600, maxSessions: 10 };
  const read = (query: string) => readSessionRequest(new URLSearchParams(query), config);
  const failure = (query: string): string => {
    try {
      read(query);
    } catch (error) {
      return error instanceof ChgateError ? `${error.errorName}: ${error.message}` : 'other';
    }
    return 'none';
  };

  it('reads session_id, session_timeout and session_check as ClickHouse does', () => {
    expect(read('query_id=q')).to.equal(undefined);
    expect(read('session_id=')).to.equal(undefined);
    expect(read('session_id=s1')).to.deep.equal({ id: 's1', timeoutSeconds: 60, check: false });
    expect(read('session_id=s1&session_timeout=5&session_check=1')).to.deep.equal({ id: 's1', timeoutSeconds: 5, check: true });
    expect(read('session_id=s1&session_check=true')?.check).to.equal(false);
  });
  it('refuses a timeout that is not a number or above the maximum, with ClickHouse\'s error', () => {
    expect(failure('session_id=s&session_timeout=abc')).to.equal("INVALID_SESSION_TIMEOUT: Invalid session timeout: 'abc'");
    expect(failure('session_id=s&session_timeout=-1')).to.match(/^INVALID_SESSION_TIMEOUT/);
    expect(failure('session_id=s&session_timeout=3601')).to.equal(
      "INVALID_SESSION_TIMEOUT: Session timeout '3601' is larger than sessions.max_timeout_seconds: 3600",
    );
    expect(failure('session_id=s&session_timeout=3600')).to.equal('none');
  });
  it('keeps the session away from ClickHouse while chgate holds it, and carries it once pinned', () => {
    const after = (mode: Parameters<typeof applySessionParams>[1]) => {
      const params = new URLSearchParams('session_id=b&session_timeout=60&session_check=1&max_threads=2');
      applySessionParams(params, mode);
      return params.toString();
    };
    expect(after(undefined)).to.equal('session_id=b&session_timeout=60&session_check=1&max_threads=2');
    expect(after('held')).to.equal('max_threads=2');
    expect(after('pins')).to.equal('session_id=b&session_timeout=60&max_threads=2');
    expect(after('pinned')).to.equal('session_id=b&session_timeout=60&session_check=1&max_threads=2');
  });
});
