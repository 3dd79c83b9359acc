import { expect } from 'chai';
import { createMutationTracker, parseMutationRows, unfinishedMutationsQuery } from '../../../src/cache/mutation-tracker.js';
import { manualClock } from './cache-test-helpers.js';

function fakeWriter() {
  const writer = {
    running: [] as string[],
    fail: false,
    queries: [] as string[],
    async query(sql: string): Promise<string> {
      writer.queries.push(sql);
      if (writer.fail) throw new Error('writer down');
      return writer.running.map((table) => `${table.replace('.', '\t')}\n`).join('');
    },
  };
  return writer;
}

/** A tracker on a manual clock over a fake writer, recording what it calls done and its errors. */
function trackerOnClock() {
  const clock = manualClock();
  const writer = fakeWriter();
  const done: string[][] = [];
  const errors: unknown[] = [];
  const tracker = createMutationTracker({
    queryWriter: writer.query,
    intervalMs: 1000,
    onDone: (tables) => void done.push(tables),
    onError: (error) => errors.push(error),
    now: clock.now,
  });
  tracker.markMutationStarted(['db.t']);
  return { clock, writer, done, errors, tracker };
}

describe('mutation tracker', () => {
  it('parses TabSeparated rows of database and table, escapes included', () => {
    expect([...parseMutationRows('db\tt\nother\tweird\\ttab\\\\x\n')]).to.deep.equal(['db.t', 'other.weird\ttab\\x']);
    expect(parseMutationRows('').size).to.equal(0);
  });

  it('reads system.mutations for unfinished mutations', () => {
    expect(unfinishedMutationsQuery).to.equal('SELECT database, table FROM system.mutations WHERE is_done = 0 FORMAT TabSeparated');
  });

  it('tracks a table until its mutations are done, then invalidates it once', async () => {
    const { clock, writer, done, errors, tracker } = trackerOnClock();
    expect(tracker.isMutating('db.t')).to.equal(true);
    expect(tracker.isMutating('db.u')).to.equal(false);

    writer.running = ['db.t'];
    clock.advance(1000);
    await tracker.pollOnce();
    expect(tracker.isMutating('db.t')).to.equal(true);

    writer.running = [];
    clock.advance(1000);
    await tracker.pollOnce();
    expect(tracker.isMutating('db.t')).to.equal(false);
    expect(done).to.deep.equal([['db.t']]);
    await tracker.pollOnce();
    expect(done).to.have.length(1);
    tracker.stop();
  });

  it('waits the settle time before trusting an empty answer', async () => {
    const { clock, writer, done, errors, tracker } = trackerOnClock();
    clock.advance(10);
    await tracker.pollOnce(); // the mutation may not be listed yet
    expect(tracker.isMutating('db.t')).to.equal(true);
    clock.advance(1000);
    await tracker.pollOnce();
    expect(tracker.isMutating('db.t')).to.equal(false);
    tracker.stop();
  });

  it('keeps everything tracked when the poll fails', async () => {
    const { clock, writer, done, errors, tracker } = trackerOnClock();
    writer.fail = true;
    clock.advance(5000);
    await tracker.pollOnce();
    expect(tracker.isMutating('db.t')).to.equal(true);
    expect(errors).to.have.length(1);
    tracker.stop();
  });

  it('follows mutations started elsewhere while it polls', async () => {
    const { clock, writer, done, errors, tracker } = trackerOnClock();
    writer.running = ['db.t', 'db.other'];
    clock.advance(1000);
    await tracker.pollOnce();
    expect(tracker.trackedTables).to.deep.equal(['db.other', 'db.t']);
    writer.running = [];
    clock.advance(1000);
    await tracker.pollOnce();
    expect(done).to.deep.equal([['db.t', 'db.other']]);
    tracker.stop();
  });

  it('polls on its own timer only while something is tracked', async () => {
    const writer = fakeWriter();
    const done: string[][] = [];
    const tracker = createMutationTracker({ queryWriter: writer.query, intervalMs: 5, settleMs: 0, onDone: (tables) => void done.push(tables) });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writer.queries).to.have.length(0);
    tracker.markMutationStarted(['db.t']);
    for (let i = 0; i < 100 && done.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(done).to.deep.equal([['db.t']]);
    const polls = writer.queries.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writer.queries.length).to.equal(polls);
    tracker.stop();
  });
});
