import { expect } from 'chai';
import { createSingleFlight } from '../../../src/cache/single-flight.js';

describe('single flight', () => {
  it('makes the first caller leader and hands its outcome to every follower', async () => {
    const flights = createSingleFlight<Buffer>({ waitMs: 1000 });
    const roles = Array.from({ length: 10 }, () => flights.join('k'));
    const leaders = roles.filter((role) => role.role === 'leader');
    expect(leaders).to.have.length(1);
    const waits = roles.flatMap((role) => (role.role === 'follower' ? [role.wait()] : []));
    const bytes = Buffer.from([0, 1, 2, 255]);
    const leader = leaders[0];
    if (leader?.role === 'leader') leader.settle(bytes);
    const results = await Promise.all(waits);
    expect(results).to.have.length(9);
    for (const result of results) expect(result).to.deep.equal({ kind: 'settled', outcome: bytes });
    expect(flights.size).to.equal(0);
  });

  it('tells followers when the leader stored nothing', async () => {
    const flights = createSingleFlight<string>({ waitMs: 1000 });
    const leader = flights.join('k');
    const follower = flights.join('k');
    if (leader.role !== 'leader' || follower.role !== 'follower') throw new Error('roles');
    leader.settle(undefined);
    expect(await follower.wait()).to.deep.equal({ kind: 'settled', outcome: undefined });
    // The next caller leads a new flight.
    expect(flights.join('k').role).to.equal('leader');
  });

  it('bounds the wait', async () => {
    const flights = createSingleFlight<string>({ waitMs: 20 });
    flights.join('k');
    const follower = flights.join('k');
    if (follower.role !== 'follower') throw new Error('roles');
    const started = Date.now();
    expect(await follower.wait()).to.deep.equal({ kind: 'timeout' });
    expect(Date.now() - started).to.be.below(500);
  });

  it('lets a new leader replace a stale flight, and the stale leader cannot end it', async () => {
    let time = 0;
    const flights = createSingleFlight<string>({ waitMs: 100, now: () => time });
    const stale = flights.join('k');
    time = 150;
    const fresh = flights.join('k');
    expect(fresh.role).to.equal('leader');
    if (stale.role === 'leader') stale.settle('old');
    const follower = flights.join('k');
    expect(follower.role).to.equal('follower');
    if (fresh.role === 'leader') fresh.settle('new');
    if (follower.role === 'follower') expect(await follower.wait()).to.deep.equal({ kind: 'settled', outcome: 'new' });
  });

  it('keeps keys apart and ignores a second settle', async () => {
    const flights = createSingleFlight<string>({ waitMs: 1000 });
    const a = flights.join('a');
    const b = flights.join('b');
    expect([a.role, b.role]).to.deep.equal(['leader', 'leader']);
    const follower = flights.join('a');
    if (a.role === 'leader') {
      a.settle('first');
      a.settle('second');
    }
    if (follower.role === 'follower') expect(await follower.wait()).to.deep.equal({ kind: 'settled', outcome: 'first' });
  });

  it('keeps no flight past its end: settled ones at once, leaders that never settled once stale', () => {
    let now = 0;
    const flight = createSingleFlight<string>({ waitMs: 1000, now: () => now });
    for (let i = 0; i < 100_000; i += 1) {
      const role = flight.join(`k${i}`);
      if (role.role === 'leader') role.settle(`v${i}`);
    }
    expect(flight.size).to.equal(0);
    for (let i = 0; i < 5000; i += 1) flight.join(`lost${i}`); // leaders that never settle (a bug elsewhere)
    expect(flight.size).to.equal(5000);
    now += 1000;
    flight.join('next');
    expect(flight.size).to.equal(1);
  });
});
