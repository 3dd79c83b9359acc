import { expect } from 'chai';
import type { PlannedStatement } from '../../../src/routing/plan-body.js';
import { planBody } from '../../../src/routing/plan-body.js';
import type { DecodedRequest } from '../../../src/server/decode-request.js';
import { openHttpSession } from '../../../src/session/http-session.js';
import { createSessionRegistry } from '../../../src/session/session-registry.js';
import type { StatementClassification, StatementSlice } from '../../../src/sql/types.js';
import type { NodeChoice, UpstreamCluster } from '../../../src/upstream/upstream-cluster.js';
import type { UpstreamNode } from '../../../src/upstream/upstream-node.js';
import { classification } from '../../helpers/classification.js';

describe('http session (one request in a session)', () => {
  const config = { defaultTimeoutSeconds: 60, maxTimeoutSeconds: 3600, maxSessions: 10 };
  const node = (name: string, role: 'writer' | 'reader') => ({ name, role }) as unknown as UpstreamNode;
  const writers = [node('w1', 'writer'), node('w2', 'writer')];
  const cluster = { nodes: [...writers, node('r1', 'reader')] } as unknown as UpstreamCluster;
  const credentials = { user: 'writer', password: '' };
  const slice = (sql: string): StatementSlice => ({ start: 0, end: sql.length, sql, truncated: false });
  const set = (settings: Record<string, string>) => classification({ type: 'set', route: 'session', session: { kind: 'set', settings } });
  const use = (database: string) => classification({ type: 'use', route: 'session', session: { kind: 'use', database } });
  const temporary = classification({ type: 'create', route: 'write', tablesWritten: ['tmp'], cacheable: false, sessionScoped: true });
  const read = classification({});

  /** One request: plan, place, run `ran` statements, end. The pipeline picks `writer` for every writer statement. */
  function request(
    registry: ReturnType<typeof createSessionRegistry>,
    query: string,
    statements: StatementClassification[],
    ran = statements.length,
    writer = writers[1] as UpstreamNode,
  ) {
    const params = new URLSearchParams(query);
    const session = openHttpSession(registry, config, 'alice', params);
    if (!session) throw new Error('expected a session');
    const plan: PlannedStatement[] = planBody(statements.map((_, i) => slice(`s${i}`)), statements, { session: session.start });
    const choices: (NodeChoice | undefined)[] = plan.map((step) =>
      step.decision.target === 'local' ? undefined : { node: step.decision.target === 'writer' ? writer : (cluster.nodes[2] as UpstreamNode), credentials },
    );
    session.placeStatements(plan, choices, cluster);
    const forwarded = session.forward({ params } as DecodedRequest).params;
    for (let index = 0; index < ran; index++) session.noteRan(index);
    session.end();
    return { plan, choices: choices.map((choice) => choice?.node.name ?? '-'), forwarded };
  }

  it('is absent without session_id', () => {
    expect(openHttpSession(createSessionRegistry(), config, 'alice', new URLSearchParams('query_id=q'))).to.equal(undefined);
  });

  it('carries SET and USE from one request to the next, URL parameters overriding them for one request', () => {
    const registry = createSessionRegistry();
    request(registry, 'session_id=s', [set({ max_threads: '2', a: '1' }), use('db')]);
    const next = request(registry, 'session_id=s&max_threads=8', [read]);
    expect(next.plan[0]?.database).to.equal('db');
    expect(next.plan[0]?.settings).to.deep.equal([['a', '1']]);
    const withDatabase = request(registry, 'session_id=s&database=other', [read, set({ a: '3' })]);
    expect(withDatabase.plan[0]?.database).to.equal(undefined);
    const last = request(registry, 'session_id=s', [read]);
    expect(last.plan[0]?.database).to.equal('db');
    expect(last.plan[0]?.settings).to.deep.equal([['max_threads', '2'], ['a', '3']]);
  });

  it('keeps only the changes of statements that ran', () => {
    const registry = createSessionRegistry();
    request(registry, 'session_id=s', [set({ a: '1' }), read, set({ a: '2' }), use('db')], 2);
    const next = request(registry, 'session_id=s', [read]);
    expect(next.plan[0]?.settings).to.deep.equal([['a', '1']]);
    expect(next.plan[0]?.database).to.equal(undefined);
  });

  it('sends ClickHouse its own session id and the effective timeout', () => {
    const registry = createSessionRegistry({ newBackendSessionId: () => 'backend-1' });
    const { forwarded } = request(registry, 'session_id=s&session_check=0&query_id=q', [read]);
    expect(Object.fromEntries(forwarded)).to.deep.equal({ session_id: 'backend-1', session_timeout: '60', session_check: '0', query_id: 'q' });
  });

  it('pins the session to the writer a temporary table was created on, and sends later statements there', () => {
    const registry = createSessionRegistry();
    const first = request(registry, 'session_id=s', [read, temporary, read]);
    expect(first.choices).to.deep.equal(['r1', 'w2', 'w2']);
    expect(first.plan.map((step) => step.session)).to.deep.equal(['held', 'pins', 'pinned']);
    const next = request(registry, 'session_id=s', [read, set({ a: '1' }), read], 3, writers[0]);
    expect(next.choices).to.deep.equal(['w2', '-', 'w2']);
    expect(next.plan.map((step) => step.session)).to.deep.equal(['pinned', 'held', 'pinned']);
  });

  it('does not pin when the pinning statement failed', () => {
    const registry = createSessionRegistry();
    request(registry, 'session_id=s', [read, temporary], 1);
    expect(request(registry, 'session_id=s', [read]).choices).to.deep.equal(['r1']);
  });

  it("fails with SESSION_NOT_FOUND when the session's node is no longer configured", () => {
    const registry = createSessionRegistry();
    request(registry, 'session_id=s', [temporary]);
    const shrunk = { nodes: [writers[0]] } as unknown as UpstreamCluster;
    const session = openHttpSession(registry, config, 'alice', new URLSearchParams('session_id=s'));
    const plan = planBody([slice('a')], [read], { session: session?.start });
    expect(() => session?.placeStatements(plan, [{ node: writers[0] as UpstreamNode, credentials }], shrunk)).to.throw(/no longer configured/);
    session?.end();
  });
});
