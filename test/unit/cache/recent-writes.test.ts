import { expect } from 'chai';
import { createRecentWrites } from '../../../src/cache/recent-writes.js';

describe('recent writes', () => {
  it('sends reads of a table to the writer for the window after a write', () => {
    const recent = createRecentWrites({ windowMs: 5000 });
    recent.noteTables(['db.t'], 1000);
    expect(recent.shouldReadFromWriter(['db.t'], 1000)).to.equal(true);
    expect(recent.shouldReadFromWriter(['db.u', 'db.t'], 5999)).to.equal(true);
    expect(recent.shouldReadFromWriter(['db.u'], 2000)).to.equal(false);
    expect(recent.shouldReadFromWriter(['db.t'], 6000)).to.equal(false);
  });

  it('covers every table of a database written as a whole, and everything', () => {
    const recent = createRecentWrites({ windowMs: 5000 });
    recent.noteDatabases(['db'], 0);
    expect(recent.shouldReadFromWriter(['db.anything'], 10)).to.equal(true);
    expect(recent.shouldReadFromWriter(['other.t'], 10)).to.equal(false);
    recent.noteEverything(100);
    expect(recent.shouldReadFromWriter(['other.t'], 200)).to.equal(true);
    expect(recent.shouldReadFromWriter([], 200)).to.equal(true);
    expect(recent.shouldReadFromWriter(['other.t'], 5100)).to.equal(false);
  });

  it('extends the window with each write', () => {
    const recent = createRecentWrites({ windowMs: 100 });
    recent.noteTables(['db.t'], 0);
    recent.noteTables(['db.t'], 90);
    expect(recent.shouldReadFromWriter(['db.t'], 150)).to.equal(true);
  });

  it('remembers the last write per table past the window, bounded by a watermark', () => {
    const recent = createRecentWrites({ windowMs: 100, maxRememberedWrites: 3 });
    expect(recent.lastWriteAt(['db.t'])).to.equal(0);
    recent.noteTables(['db.t'], 1000);
    recent.noteTables(['db.u'], 2000);
    expect(recent.lastWriteAt(['db.t'])).to.equal(1000);
    expect(recent.lastWriteAt(['db.t', 'db.u'])).to.equal(2000);
    recent.noteDatabases(['other'], 3000);
    expect(recent.lastWriteAt(['other.x', 'db.t'])).to.equal(3000);
    // Past the bound the oldest (db.t at 1000) is forgotten: it and every unknown table report the watermark.
    recent.noteTables(['db.v'], 4000);
    expect(recent.lastWriteAt(['db.t'])).to.equal(1000);
    expect(recent.lastWriteAt(['db.never'])).to.equal(1000);
    expect(recent.lastWriteAt(['db.u'])).to.equal(2000);
    recent.noteEverything(5000);
    expect(recent.lastWriteAt(['db.never'])).to.equal(5000);
  });
});
