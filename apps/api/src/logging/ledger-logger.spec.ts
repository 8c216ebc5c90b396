import { defaultLogFormat, LedgerLogger } from './ledger-logger.js';

function written(run: () => void): string {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (chunks.push(chunk), true)) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = out;
  }
  return chunks.join('');
}

const fields = { method: 'POST', route: '/api/participants/:id/erasure', status: 200, durationMs: 3.2, correlationId: 'c-1', actor: 'token:t-1' };

describe('LedgerLogger', () => {
  it('writes text at a terminal and JSON lines otherwise', () => {
    expect(defaultLogFormat(true)).toBe('text');
    expect(defaultLogFormat(false)).toBe('json');
  });

  it('in JSON, writes one object per line with time, level, message and context, request fields at the top level', () => {
    const lines = written(() => {
      new LedgerLogger('json').log('Rebuilt participants', 'Projections');
      new LedgerLogger('json').request(fields);
    }).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), level: 'log', message: 'Rebuilt participants', context: 'Projections' });
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'log', context: 'Request', message: 'POST /api/participants/:id/erasure 200 3.2 ms', ...fields });
  });

  it('in text, writes a readable request line with the correlation id and actor', () => {
    const text = written(() => new LedgerLogger('text').request(fields));
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toContain('[Request] POST /api/participants/:id/erasure 200 3.2 ms correlation=c-1 actor=token:t-1');
  });
});
