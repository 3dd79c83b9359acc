import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/log/create-logger.js';
import { MASK } from '../../../src/log/mask-secrets.js';
import { withMaskedSecrets } from '../../../src/log/masking-logger.js';

function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, lines: () => chunks.join('').split('\n').filter((line) => line !== '') };
}

describe('logging without credentials', () => {
  it('createLogger masks URL passwords and credential headers in every line', () => {
    const { stream, lines } = capture();
    const logger = createLogger('debug', stream);
    logger.warn('request to http://u:pw@host/?password=abc failed', { headers: { 'x-clickhouse-key': 'k3y' } });
    const [line] = lines();
    expect(line).to.not.match(/pw@|abc|k3y/);
    expect(line).to.include(MASK);
  });

  it('withMaskedSecrets masks the secrets of the moment in messages and nested fields', () => {
    const { stream, lines } = capture();
    let secrets = ['writer-secret'];
    const logger = withMaskedSecrets(createLogger('debug', stream), () => secrets);
    logger.error('failed with writer-secret', { error: new Error('auth writer-secret'), nested: [{ value: 'x writer-secret' }], count: 3 });
    secrets = ['rotated-secret'];
    logger.info('now rotated-secret', {});
    const [first, second] = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).to.deep.include({ msg: `failed with ${MASK}`, error: `Error: auth ${MASK}`, nested: [{ value: `x ${MASK}` }], count: 3 });
    expect(second?.msg).to.equal(`now ${MASK}`);
  });
});
