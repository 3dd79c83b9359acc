import { expect } from 'chai';
import { clickHouseErrorCode, isCompressionRefused, isUnknownTableError } from '../../../src/upstream/clickhouse-error-code.js';

const body = (text: string): Buffer => Buffer.from(text);

describe('clickhouse error codes', () => {
  it('reads the code from X-ClickHouse-Exception-Code (newer servers), else from the body (18.16 and modern text)', () => {
    expect(clickHouseErrorCode({ 'x-clickhouse-exception-code': '60' }, body('whatever'))).to.equal(60);
    expect(clickHouseErrorCode({}, body('Code: 81, e.displayText() = DB::Exception: Database x doesn\'t exist'))).to.equal(81);
    expect(clickHouseErrorCode({}, body('Code: 60. DB::Exception: Table default.t does not exist. (UNKNOWN_TABLE)'))).to.equal(60);
    expect(clickHouseErrorCode({}, body('Bad gateway'))).to.equal(undefined);
    expect(isUnknownTableError({}, body('Code: 60, e.displayText() = DB::Exception: Table default.t doesn\'t exist.'))).to.equal(true);
  });

  it('tells a refused enable_http_compression (readonly = 1 user) from a refused setting the client sent', () => {
    // As 18.16 answers, and as modern servers word it.
    const old = "Code: 164, e.displayText() = DB::Exception: Cannot modify 'enable_http_compression' setting in readonly mode, e.what() = DB::Exception";
    const modern = "Code: 164. DB::Exception: Cannot modify 'enable_http_compression' setting in readonly mode. (READONLY) (version 24.3.1.1)";
    expect(isCompressionRefused(clickHouseErrorCode({}, body(old)), body(old))).to.equal(true);
    expect(isCompressionRefused(clickHouseErrorCode({}, body(modern)), body(modern))).to.equal(true);
    const clientSetting = "Code: 164, e.displayText() = DB::Exception: Cannot modify 'max_result_rows' setting in readonly mode, e.what() = DB::Exception";
    expect(isCompressionRefused(164, body(clientSetting))).to.equal(false);
    expect(isCompressionRefused(60, body("Code: 60. Table enable_http_compression doesn't exist"))).to.equal(false);
  });
});
