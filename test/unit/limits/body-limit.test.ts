import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { checkDeclaredBodySize, countBodyBytes } from '../../../src/limits/body-limit.js';
import type { ChgateError } from '../../../src/errors/error-catalogue.js';

function fakeRequest(headers: Record<string, string>): IncomingMessage & PassThrough {
  return Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;
}

describe('body limit', () => {
  it('refuses a Content-Length over the limit with QUERY_IS_TOO_LARGE (413)', () => {
    expect(() => checkDeclaredBodySize(fakeRequest({ 'content-length': '100' }), 100)).to.not.throw();
    let thrown: ChgateError | undefined;
    try {
      checkDeclaredBodySize(fakeRequest({ 'content-length': '101' }), 100);
    } catch (error) {
      thrown = error as ChgateError;
    }
    expect(thrown?.status).to.equal(413);
    expect(thrown?.errorName).to.equal('QUERY_IS_TOO_LARGE');
    expect(thrown?.message).to.contain('101 bytes (Content-Length), more than max_body_bytes (100)');
  });

  it('passes a chunked body within the limit through unchanged', async () => {
    const request = fakeRequest({});
    const counted = countBodyBytes(request, 10, () => expect.fail('not exceeded'));
    request.end(Buffer.from('0123456789'));
    const chunks: Buffer[] = [];
    for await (const chunk of counted) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).to.equal('0123456789');
  });

  it('fails a chunked body at the first chunk past the limit, before passing that chunk on', async () => {
    const request = fakeRequest({});
    let told: ChgateError | undefined;
    const counted = countBodyBytes(request, 10, (error) => {
      told = error;
    });
    const chunks: Buffer[] = [];
    request.write(Buffer.from('01234'));
    request.write(Buffer.from('567890'));
    const error = await (async () => {
      for await (const chunk of counted) chunks.push(chunk as Buffer);
    })().catch((caught: unknown) => caught);
    expect((error as ChgateError).status).to.equal(413);
    expect(told).to.equal(error);
    expect(Buffer.concat(chunks).toString()).to.equal('01234');
  });
});
