import { expect } from 'chai';
import type { LogFields, Logger } from '../../../src/log/create-logger.js';
import { createRepeatedFailureLog } from '../../../src/log/repeated-failure-log.js';

function recordingLogger(): { logger: Logger; lines: Array<[string, string, LogFields | undefined]> } {
  const lines: Array<[string, string, LogFields | undefined]> = [];
  const at = (level: string) => (message: string, fields?: LogFields) => void lines.push([level, message, fields]);
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('repeated failure log', () => {
  it('logs the first failure, then once per interval with what was left out, then the recovery', () => {
    const { logger, lines } = recordingLogger();
    let clock = 0;
    const log = createRepeatedFailureLog(logger, { failing: 'poll failed', recovered: 'poll works again' }, { everyMs: 60_000, now: () => clock });
    for (; clock < 130_000; clock += 1_000) log.failed('writer', { node: 'writer', error: 'ECONNREFUSED' });
    log.succeeded('writer', { node: 'writer' });
    expect(lines.map(([level, message]) => `${level} ${message}`)).to.deep.equal([
      'warn poll failed',
      'warn poll failed',
      'warn poll failed',
      'info poll works again',
    ]);
    expect(lines[0]?.[2]).to.deep.equal({ node: 'writer', error: 'ECONNREFUSED' });
    expect(lines[1]?.[2]).to.deep.include({ failingForMs: 60_000, failuresNotLogged: 59 });
    expect(lines[3]?.[2]).to.deep.include({ node: 'writer', failedForMs: 130_000 });
  });

  it('keeps keys apart, and a success without a failure says nothing', () => {
    const { logger, lines } = recordingLogger();
    const log = createRepeatedFailureLog(logger, { failing: 'f', recovered: 'r' }, { now: () => 0 });
    log.succeeded('a');
    log.failed('a', { node: 'a' });
    log.failed('b', { node: 'b' });
    log.failed('a', { node: 'a' });
    expect(lines.map(([, message, fields]) => `${message} ${String(fields?.node)}`)).to.deep.equal(['f a', 'f b']);
  });
});
