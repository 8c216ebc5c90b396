import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '@app/event-store';

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const ROWS = 120;

interface Served {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | null>;
  url: string;
}

/** The real API in a child process; with `killAfter` it dies by SIGKILL right after that many rows of an import are recorded. */
async function serve(dataDir: string, killAfter?: number): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/crash/idempotency-crash.loader.mjs', 'test/crash/import-crash.serve.ts', dataDir, ADMIN_TOKEN, ...(killAfter ? [String(killAfter)] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test' } },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening (\d+)$/.exec(line);
    if (match) return { child, exited, url: `http://127.0.0.1:${match[1]}` };
  }
  throw new Error('the API child exited before listening');
}

const upload = (served: Served, projectId: string, csv: string) => {
  const form = new FormData();
  form.set('kind', 'participants');
  form.set('file', new Blob([csv]), 'deltagare.csv');
  return fetch(`${served.url}/api/projects/${projectId}/imports?dryRun=false`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: form });
};

/**
 * kill -9 in the middle of an import (some rows recorded, the rest not, the import itself not yet on record), then
 * the same file against a new process on the same data directory: every row ends up recorded exactly once.
 */
describe('an import killed half-way and sent again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-import-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records every row exactly once', async () => {
    const csv = `Namn;E-post;Kön;Roll;Registrerad\n${Array.from({ length: ROWS }, (_, i) => `Person ${i};p${i}@example.se;Kvinna;Forskare;2024-05-02`).join('\n')}\n`;
    const first = await serve(dir, 40);
    const project = await fetch(`${first.url}/api/projects`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Krasch', programme: 'Interreg', fund: 'ERDF', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] }),
    });
    const projectId = ((await project.json()) as { id: string }).id;
    await expect(upload(first, projectId, csv)).rejects.toThrow();
    expect(await first.exited).toBe('SIGKILL');

    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    const before = (await store.readAll()).filter((e) => e.type === 'ParticipantRegistered').length;
    await store.close();
    expect(before).toBeGreaterThanOrEqual(40);
    expect(before).toBeLessThan(ROWS);

    const second = await serve(dir);
    try {
      const answer = await upload(second, projectId, csv);
      expect(answer.status).toBe(201);
      expect(await answer.json()).toMatchObject({ rows: ROWS, valid: ROWS, recorded: ROWS, matched: 0, errors: [] });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const after = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    const events = await after.readAll();
    await after.close();
    const rows = events.filter((e) => e.type === 'ParticipantRegistered').map((e) => Number(e.metadata.importRow));
    expect(rows).toHaveLength(ROWS);
    expect(new Set(rows).size).toBe(ROWS);
    expect(events.filter((e) => e.type === 'ImportApplied')).toHaveLength(1);
    // Two service starts, each transpiling the project in a child process: slow on a busy machine.
  }, 240_000);
});
