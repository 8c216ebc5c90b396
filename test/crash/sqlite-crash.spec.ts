import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '@app/event-store';

const ACKS_BEFORE_KILL = 3000;

describe('the embedded store after kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged append, with no gap in positions or revisions', async () => {
    const file = join(dir, 'events.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/crash/append-until-killed.ts', file, '16'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const acked: Array<{ stream: string; revision: number; position: number; id: string }> = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line === 'ready') continue;
      const [stream, revision, position, id] = line.split(' ');
      acked.push({ stream, revision: Number(revision), position: Number(position), id });
      if (acked.length === ACKS_BEFORE_KILL) child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

    const store = SqliteEventStore.open({ file });
    try {
      const all = await store.readAll();
      // Positions run 1..n without a hole; each stream's revisions run 0..k without a hole.
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
      const revisions = new Map<string, number[]>();
      for (const e of all) revisions.set(e.streamName, [...(revisions.get(e.streamName) ?? []), e.revision]);
      for (const list of revisions.values()) expect(list).toEqual(list.map((_, i) => i));

      const stored = new Map(all.map((e) => [e.id, e]));
      const missing = acked.filter((a) => {
        const e = stored.get(a.id);
        return !e || e.streamName !== a.stream || e.revision !== a.revision || e.position !== a.position;
      });
      expect(missing).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
