import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { runClassifyCommand } from '../../../src/cli/classify-command.js';

/** Runs the command with `input` on stdin; returns exit code and what it wrote. */
async function run(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(input);
  const code = await runClassifyCommand(args, { stdin, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('chgate classify', () => {
  it('prints readable JSON for every statement on stdin', async () => {
    const { code, stdout } = await run([], "SELECT * FROM t; INSERT INTO t VALUES (1, 'a')");
    expect(code).to.equal(0);
    expect(stdout).to.contain('\n  "statements": [');
    const report = JSON.parse(stdout) as { statements: Record<string, unknown>[]; bodyCacheable: boolean };
    expect(report.bodyCacheable).to.equal(false);
    expect(report.statements.map((s) => [s['type'], s['route'], s['sql']])).to.deep.equal([
      ['select', 'read', 'SELECT * FROM t'],
      ['insert', 'write', 'INSERT INTO t VALUES'],
    ]);
    expect(report.statements[1]?.['data']).to.deep.equal({ start: 38, end: 46, kind: 'values' });
    expect(report.statements[0]).to.include.keys('normalized', 'fingerprint', 'unknown', 'tablesRead');
  });

  it('--jsonl answers one line per input, in order, with exactly the contract fields', async () => {
    const input = [
      JSON.stringify({ id: 1, sql: 'SELECT a FROM db.t WHERE b IN (SELECT b FROM u)' }),
      '',
      JSON.stringify({ id: 'two', sql: 'USE x; DROP TABLE y' }),
      JSON.stringify({ id: { nested: true }, sql: 'SELEC oops' }),
    ].join('\n');
    const { code, stdout } = await run(['--jsonl'], input);
    expect(code).to.equal(0);
    const lines = stdout.trim().split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.equal(
      '{"id":1,"statements":[{"type":"select","route":"read","tablesRead":["db.t","u"],"tablesWritten":[],' +
        '"tableFunctions":[],"dictionaries":[],"databasesWritten":[],"cacheable":true}]}',
    );
    const second = JSON.parse(lines[1]!) as { id: string; statements: { type: string; route: string; tablesWritten: string[] }[] };
    expect(second.id).to.equal('two');
    expect(second.statements.map((s) => [s.type, s.route, s.tablesWritten])).to.deep.equal([['use', 'session', []], ['drop', 'write', ['y']]]);
    const third = JSON.parse(lines[2]!) as { id: unknown; statements: { route: string; cacheable: boolean }[] };
    expect(third.id).to.deep.equal({ nested: true });
    expect(third.statements).to.deep.equal([{ type: 'other', route: 'write', tablesRead: [], tablesWritten: [], tableFunctions: [], dictionaries: [], databasesWritten: [], cacheable: false }]);
  });

  it('--jsonl answers an error when the input is not SQL at all', async () => {
    const { stdout } = await run(['--jsonl'], ['not json', '[1]', '{"id":3}', '{"id":4,"sql":"  -- only a comment"}'].join('\n'));
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).to.deep.equal([
      { id: null, error: 'input line is not JSON' },
      { id: null, error: 'input line is not a JSON object' },
      { id: 3, error: '"sql" is missing or not a string' },
      { id: 4, error: 'no SQL statement in input' },
    ]);
  });

  it('prints usage for --help and refuses unknown options', async () => {
    expect((await run(['--help'], '')).stdout).to.contain('Usage: chgate classify');
    const bad = await run(['--bogus'], '');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('unknown option');
  });
});
