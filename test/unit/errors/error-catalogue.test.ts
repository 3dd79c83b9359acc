import { expect } from 'chai';
import { ChgateError, errorCatalogue, formatErrorBody, toChgateError } from '../../../src/errors/error-catalogue.js';

describe('error catalogue', () => {
  it("formats errors in ClickHouse's body format with the error name", () => {
    expect(formatErrorBody(new ChgateError('QUERY_IS_TOO_LARGE', 'too big'))).to.equal('Code: 229. DB::Exception: chgate: too big. (QUERY_IS_TOO_LARGE)\n');
  });
  it('maps codes to the statuses ClickHouse uses', () => {
    expect(errorCatalogue.AUTHENTICATION_FAILED).to.deep.equal({ code: 516, status: 401 });
    expect(errorCatalogue.SYNTAX_ERROR.status).to.equal(400);
    expect(errorCatalogue.ALL_CONNECTION_TRIES_FAILED).to.deep.equal({ code: 279, status: 502 });
    expect(errorCatalogue.READONLY.code).to.equal(164);
  });
  it('hides unexpected errors behind INTERNAL_ERROR', () => {
    const error = toChgateError(new Error('password=hunter2 leaked'));
    expect(error.errorName).to.equal('INTERNAL_ERROR');
    expect(formatErrorBody(error)).to.not.include('hunter2');
  });
});
