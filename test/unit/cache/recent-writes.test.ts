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
});
