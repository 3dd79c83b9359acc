import { expect } from 'chai';
import { createTailKeeper, endsWithException, exceptionTailBytes } from '../../../src/response/detect-trailing-exception.js';

describe('endsWithException', () => {
  it("recognises 18.16's exception after streamed rows (as measured)", () => {
    const body = "262142\t0\n262143\t0\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
    expect(endsWithException(body)).to.equal(true);
  });
  it("recognises newer servers' plain and JSON forms", () => {
    expect(endsWithException('1\n2\nCode: 395. DB::Exception: Value passed to throwIf is non zero. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 24.3.1.1)\n')).to.equal(true);
    expect(endsWithException('{"data":[{"a":1}],\n"exception": "Code: 395. DB::Exception: boom. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)"\n}\n')).to.equal(true);
  });
  it('leaves ordinary results alone, including rows that mention an exception earlier', () => {
    expect(endsWithException('1\n2\n3\n')).to.equal(false);
    expect(endsWithException('')).to.equal(false);
    expect(endsWithException('Code: 62, e.displayText() = DB::Exception: old log line\nnext row\n')).to.equal(false);
    expect(endsWithException('Code: 12\n')).to.equal(false);
  });
});

describe('createTailKeeper', () => {
  it('keeps only the last bytes of a long stream', () => {
    const keeper = createTailKeeper();
    keeper.push(Buffer.alloc(exceptionTailBytes, 'a'));
    keeper.push(Buffer.from('Code: 1, e.displayText() = DB::Exception: x\n'));
    expect(keeper.text().length).to.equal(exceptionTailBytes);
    expect(endsWithException(keeper.text())).to.equal(true);
    keeper.push(Buffer.alloc(exceptionTailBytes * 2, 'b'));
    expect(keeper.text()).to.equal('b'.repeat(exceptionTailBytes));
  });
});
