import { expect } from 'chai';
import {
  createNodeHealth,
  recoveryShare,
  startHealthMonitor,
  type HealthMonitorOptions,
  type HealthProbe,
  type HealthState,
} from '../../../src/upstream/node-health.js';

/** A probe whose outcome the test sets; counts the checks it served. */
function fakeProbe(initial: { fail?: string; delay?: number } = {}) {
  const outcome = { ...initial, calls: 0 };
  const probe: HealthProbe = {
    ping: async () => {
      outcome.calls += 1;
      if (outcome.fail === 'ping') throw new Error('ECONNREFUSED');
    },
    select1: async () => {
      if (outcome.fail === 'select1') throw new Error('HTTP 401');
    },
  };
  return { probe, outcome };
}

function lagProbe(delay: () => number): HealthProbe {
  return { ping: async () => {}, select1: async () => {}, replicaDelay: async () => delay() };
}

/** A node health on a hand-driven clock, recording every transition. */
function setup(options: Partial<HealthMonitorOptions> = {}) {
  const clock = { now: 1_000_000 };
  const changes: Array<[HealthState, HealthState, string]> = [];
  const health = createNodeHealth('replica1', {
    now: () => clock.now,
    onStateChange: (node, from, to, reason) => {
      expect(node).to.equal('replica1');
      changes.push([from, to, reason]);
    },
    ...options,
  });
  return { health, clock, changes };
}

/** Takes a node from healthy to recovering with the default 2 good checks. */
async function ejectThenRecover(health: ReturnType<typeof setup>['health']): Promise<void> {
  const { probe, outcome } = fakeProbe({ fail: 'ping' });
  await health.runCheck(probe);
  outcome.fail = undefined;
  await health.runCheck(probe);
  await health.runCheck(probe);
  expect(health.state()).to.equal('recovering');
}

describe('node health', () => {
  describe('healthy → ejected', () => {
    it('starts healthy and available', () => {
      const { health } = setup();
      expect(health.state()).to.equal('healthy');
      expect(health.reason()).to.equal('ok');
      expect(health.isAvailable()).to.equal(true);
      expect(health.lagSeconds()).to.equal(undefined);
    });

    it('ejects at once when an active check fails (ping or SELECT 1)', async () => {
      for (const fail of ['ping', 'select1']) {
        const { health, changes } = setup();
        await health.runCheck(fakeProbe({ fail }).probe);
        expect(health.state()).to.equal('ejected');
        expect(health.isAvailable()).to.equal(false);
        expect(changes).to.have.length(1);
        expect(changes[0]?.slice(0, 2)).to.deep.equal(['healthy', 'ejected']);
        expect(changes[0]?.[2]).to.match(/^check failed: /);
      }
    });

    it('ejects when a check outlasts timeoutMs', async () => {
      const { health } = setup({ timeoutMs: 20 });
      const hanging: HealthProbe = { ping: () => new Promise(() => {}), select1: async () => {} };
      await health.runCheck(hanging);
      expect(health.state()).to.equal('ejected');
      expect(health.reason()).to.match(/timed out after 20 ms/);
    });

    it('ejects after consecutiveFailures passive failures in a row', () => {
      const { health, changes } = setup({ consecutiveFailures: 3 });
      health.reportFailure('connect');
      health.reportFailure('socket');
      expect(health.state()).to.equal('healthy');
      health.reportFailure('http-5xx');
      expect(health.state()).to.equal('ejected');
      expect(changes).to.deep.equal([['healthy', 'ejected', '3 consecutive failures (last: http-5xx)']]);
    });

    it('a success resets the passive failure count', () => {
      const { health } = setup({ consecutiveFailures: 3 });
      for (let round = 0; round < 5; round++) {
        health.reportFailure('timeout');
        health.reportFailure('timeout');
        health.reportSuccess();
      }
      expect(health.state()).to.equal('healthy');
    });
  });

  describe('ejected → recovering → healthy', () => {
    it('needs healthyChecksToReturn consecutive good checks; a failure in between starts over', async () => {
      const { health } = setup({ healthyChecksToReturn: 2 });
      const { probe, outcome } = fakeProbe({ fail: 'ping' });
      await health.runCheck(probe);
      outcome.fail = undefined;
      await health.runCheck(probe);
      expect(health.state()).to.equal('ejected');
      outcome.fail = 'select1';
      await health.runCheck(probe);
      outcome.fail = undefined;
      await health.runCheck(probe);
      expect(health.state()).to.equal('ejected');
      await health.runCheck(probe);
      expect(health.state()).to.equal('recovering');
    });

    it('a passive failure while ejected also starts the count over', async () => {
      const { health } = setup({ healthyChecksToReturn: 2 });
      const { probe, outcome } = fakeProbe({ fail: 'ping' });
      await health.runCheck(probe);
      outcome.fail = undefined;
      await health.runCheck(probe);
      health.reportFailure('socket');
      await health.runCheck(probe);
      expect(health.state()).to.equal('ejected');
      await health.runCheck(probe);
      expect(health.state()).to.equal('recovering');
    });

    it('becomes healthy recoveryMs after recovering began, reporting each transition once', async () => {
      const { health, clock, changes } = setup({ recoveryMs: 5_000 });
      await ejectThenRecover(health);
      clock.now += 4_999;
      expect(health.state()).to.equal('recovering');
      clock.now += 1;
      expect(health.state()).to.equal('healthy');
      expect(health.isAvailable()).to.equal(true);
      expect(changes.map(([from, to]) => `${from}→${to}`)).to.deep.equal([
        'healthy→ejected',
        'ejected→recovering',
        'recovering→healthy',
      ]);
    });

    it('isAvailable(nowMs) past the ramp makes the node healthy', async () => {
      const { health, clock } = setup({ recoveryMs: 5_000 });
      await ejectThenRecover(health);
      expect(health.isAvailable(clock.now + 5_000)).to.equal(true);
      expect(health.state()).to.equal('healthy');
    });

    it('goes back to ejected on an active check failure while recovering', async () => {
      const { health, changes } = setup();
      await ejectThenRecover(health);
      await health.runCheck(fakeProbe({ fail: 'ping' }).probe);
      expect(health.state()).to.equal('ejected');
      expect(changes.at(-1)?.slice(0, 2)).to.deep.equal(['recovering', 'ejected']);
    });

    it('goes back to ejected on a single passive failure while recovering', async () => {
      const { health, changes } = setup({ consecutiveFailures: 3 });
      await ejectThenRecover(health);
      health.reportFailure('connect');
      expect(health.state()).to.equal('ejected');
      expect(changes.at(-1)).to.deep.equal(['recovering', 'ejected', 'connect failure while recovering']);
    });

    it('a node back to healthy needs consecutiveFailures passive failures again', async () => {
      const { health, clock } = setup({ consecutiveFailures: 2, recoveryMs: 1_000 });
      health.reportFailure('connect');
      health.reportFailure('connect');
      await ejectThenRecover(health);
      clock.now += 1_000;
      health.reportFailure('connect');
      expect(health.state()).to.equal('healthy');
    });
  });

  describe('gradual return', () => {
    it('the share grows linearly from 10% to 100% over recoveryMs', () => {
      expect(recoveryShare(0, 5_000)).to.be.closeTo(0.1, 1e-9);
      expect(recoveryShare(2_500, 5_000)).to.be.closeTo(0.55, 1e-9);
      expect(recoveryShare(5_000, 5_000)).to.equal(1);
      expect(recoveryShare(-10, 5_000)).to.be.closeTo(0.1, 1e-9);
      expect(recoveryShare(0, 0)).to.equal(1);
    });

    it('a recovering node is available for that share of picks', async () => {
      const { health, clock } = setup({ recoveryMs: 10_000 });
      await ejectThenRecover(health);
      const start = clock.now;
      const countAvailable = (atMs: number, picks: number) => {
        let available = 0;
        for (let i = 0; i < picks; i++) if (health.isAvailable(start + atMs)) available += 1;
        return available;
      };
      // Error diffusion: within one pick of the exact share.
      expect(countAvailable(0, 1_000)).to.be.within(99, 101);
      expect(countAvailable(5_000, 1_000)).to.be.within(549, 551);
      expect(countAvailable(9_000, 1_000)).to.be.within(909, 911);
      expect(health.state()).to.equal('recovering');
      expect(countAvailable(10_000, 100)).to.equal(100);
      expect(health.state()).to.equal('healthy');
    });

    it('the first picks of a recovering node are mostly refused', async () => {
      const { health } = setup();
      await ejectThenRecover(health);
      const picks = Array.from({ length: 10 }, () => health.isAvailable());
      expect(picks.filter(Boolean)).to.have.length(1);
    });
  });

  describe('replica lag', () => {
    it('records the lag from each check and forgets it when a check fails', async () => {
      const { health } = setup();
      await health.runCheck(lagProbe(() => 7));
      expect(health.lagSeconds()).to.equal(7);
      await health.runCheck(fakeProbe({ fail: 'ping' }).probe);
      expect(health.lagSeconds()).to.equal(undefined);
    });

    it('says up to when the replica has every insert: the check start minus its lag and a second', async () => {
      const { health, clock } = setup();
      expect(health.caughtUpToMs()).to.equal(undefined);
      clock.now = 50_000;
      await health.runCheck(lagProbe(() => 7));
      expect(health.caughtUpToMs()).to.equal(42_000);
      await health.runCheck(fakeProbe({ fail: 'ping' }).probe);
      expect(health.caughtUpToMs()).to.equal(undefined);
      await health.runCheck(fakeProbe().probe);
      expect(health.caughtUpToMs(), 'lag not measured').to.equal(undefined);
    });

    it('leaves lag unknown for a probe without replicaDelay (a writer)', async () => {
      const { health } = setup({ maxReplicaLagSeconds: 1 });
      await health.runCheck(fakeProbe().probe);
      expect(health.lagSeconds()).to.equal(undefined);
      expect(health.state()).to.equal('healthy');
    });

    it('ejects a replica lagging over the limit (reason "lagging"), returns it once caught up', async () => {
      let delay = 5;
      const { health, clock, changes } = setup({ maxReplicaLagSeconds: 5, recoveryMs: 1_000 });
      const probe = lagProbe(() => delay);
      await health.runCheck(probe);
      expect(health.state()).to.equal('healthy');
      delay = 6;
      await health.runCheck(probe);
      expect(health.state()).to.equal('ejected');
      expect(health.reason()).to.equal('lagging');
      expect(health.isAvailable()).to.equal(false);
      expect(health.lagSeconds()).to.equal(6);
      expect(changes).to.deep.equal([['healthy', 'ejected', 'lagging']]);
      delay = 2;
      await health.runCheck(probe);
      await health.runCheck(probe);
      expect(health.state()).to.equal('recovering');
      clock.now += 1_000;
      expect(health.state()).to.equal('healthy');
    });

    it('does not limit lag when maxReplicaLagSeconds is undefined', async () => {
      const { health } = setup({ maxReplicaLagSeconds: undefined });
      await health.runCheck(lagProbe(() => 3_600));
      expect(health.state()).to.equal('healthy');
    });
  });

  describe('options', () => {
    it('refuses counts below 1', () => {
      expect(() => createNodeHealth('n', { consecutiveFailures: 0 })).to.throw(RangeError, /consecutiveFailures/);
      expect(() => createNodeHealth('n', { healthyChecksToReturn: 0 })).to.throw(RangeError);
    });

    it('treats an explicit undefined as the default', async () => {
      const { health } = setup({ consecutiveFailures: undefined });
      health.reportFailure('connect');
      health.reportFailure('connect');
      expect(health.state()).to.equal('healthy');
      health.reportFailure('connect');
      expect(health.state()).to.equal('ejected');
    });
  });

  describe('runCheck', () => {
    it('runs one check at a time per node', async () => {
      const { health } = setup();
      let pings = 0;
      let release: () => void = () => {};
      const slow: HealthProbe = {
        ping: () => {
          pings += 1;
          return new Promise<void>((resolve) => (release = resolve));
        },
        select1: async () => {},
      };
      const first = health.runCheck(slow);
      await health.runCheck(slow);
      expect(pings).to.equal(1);
      release();
      await first;
      expect(health.state()).to.equal('healthy');
    });
  });
});

describe('startHealthMonitor', () => {
  it('checks every node at once and then every intervalMs until stopped', async () => {
    const a = fakeProbe();
    const b = fakeProbe({ fail: 'ping' });
    const nodes = [
      { name: 'a', health: createNodeHealth('a'), probe: a.probe },
      { name: 'b', health: createNodeHealth('b'), probe: b.probe },
    ];
    const monitor = startHealthMonitor(nodes, { intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect([a.outcome.calls, b.outcome.calls]).to.deep.equal([1, 1]);
    expect(nodes[1]?.health.state()).to.equal('ejected');
    await new Promise((resolve) => setTimeout(resolve, 70));
    monitor.stop();
    const calls = a.outcome.calls;
    expect(calls).to.be.within(3, 6);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(a.outcome.calls).to.equal(calls);
  });
});
