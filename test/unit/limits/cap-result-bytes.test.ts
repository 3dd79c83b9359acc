import { expect } from 'chai';
import { Readable } from 'node:stream';
import { capResultBytes } from '../../../src/limits/cap-result-bytes.js';

async function drain(stream: Readable): Promise<{ bytes: string; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks).toString(), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(chunks).toString(), error };
  }
}

describe('result bytes cap', () => {
  it('passes a body within the budget and spends the budget across bodies', async () => {
    const budget = { bytes: 10 };
    const first = await drain(capResultBytes(Readable.from([Buffer.from('abc'), Buffer.from('def')]), budget, () => new Error('over')));
    expect(first).to.deep.equal({ bytes: 'abcdef', error: undefined });
    expect(budget.bytes).to.equal(4);
    const second = await drain(capResultBytes(Readable.from([Buffer.from('ghijk')]), budget, () => new Error('over')));
    expect((second.error as Error).message).to.equal('over');
    expect(second.bytes.length).to.be.at.most(4);
  });

  it('stops the source at the limit and never passes more than the budget', async () => {
    const source = Readable.from((function* () {
      for (let i = 0; i < 1000; i++) yield Buffer.alloc(100, 'x');
    })());
    let exceeded = 0;
    const result = await drain(capResultBytes(source, { bytes: 250 }, () => {
      exceeded += 1;
      return new Error('over');
    }));
    expect(exceeded).to.equal(1);
    expect((result.error as Error).message).to.equal('over');
    expect(result.bytes.length).to.be.at.most(250);
    expect(source.destroyed).to.equal(true);
  });
});
