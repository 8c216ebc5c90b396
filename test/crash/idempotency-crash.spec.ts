import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore, type RecordedEvent } from '@app/event-store';

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const KILL_HOOK = 'LEDGER_TEST_ONLY_KILL_BEFORE_SAVING_IDEMPOTENT_ANSWER';

interface Served {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | null>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

/** The real API in a child process on 127.0.0.1; with `killBeforeSaving` it dies right after its first keyed command is appended. */
async function serve(dataDir: string, killBeforeSaving: boolean): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/crash/idempotency-crash.loader.mjs', 'test/crash/idempotency-crash.serve.ts', dataDir, ADMIN_TOKEN],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', [KILL_HOOK]: killBeforeSaving ? '1' : '' },
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  let port = 0;
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening (\d+)$/.exec(line);
    if (match) {
      port = Number(match[1]);
      break;
    }
  }
  if (!port) throw new Error('the API child exited before listening');
  return {
    child,
    exited,
    post: async (path, body, headers = {}) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
  };
}

/** Sends a keyed request to a child that kills itself before saving the answer: the client sees the connection cut. */
async function killedDuring(served: Served, path: string, body: unknown, key: string): Promise<void> {
  await expect(served.post(path, body, { 'Idempotency-Key': key })).rejects.toThrow();
  expect(await served.exited).toBe('SIGKILL');
}

async function stop(served: Served): Promise<void> {
  served.child.kill('SIGTERM');
  await served.exited;
}

const project = {
  name: 'Cross Innovation Southern Sweden',
  programme: 'Regionalfonden Skåne-Blekinge',
  fund: 'ERDF',
  startDate: '2023-01-01',
  endDate: '2026-12-31',
  countries: ['SE'],
};

/**
 * kill -9 after a command's events are appended and before its answer is saved: the client retries with the
 * same Idempotency-Key and body against a new process on the same data directory, and must get the first
 * outcome (same id, revision and position) with nothing written twice.
 */
describe('Idempotency-Key retries after kill -9 between the append and the saved answer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-idempotency-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const correctionKey = randomUUID();
  const createKey = randomUUID();
  const grantKey = randomUUID();
  const correction = { gender: 'woman', reason: 'Gender was typed wrong at registration' };
  const organisation = { name: 'Kreativa Karlshamn AB', country: 'SE', type: 'enterprise', sizeClass: 'micro' };
  const grant = { name: 'Auditor at Tillväxtverket', role: 'auditor' };
  let participantId = '';
  let events: RecordedEvent[] = [];
  let retried: Record<string, { status: number; body: any }> = {};

  beforeAll(async () => {
    // Three processes, each killed by its first keyed command.
    const first = await serve(dir, true);
    const projectId = (await first.post('/api/projects', project)).body.id;
    participantId = (
      await first.post(`/api/projects/${projectId}/participants`, { person: { name: 'Sara Lind' }, gender: 'man', birthYear: 1990, role: 'creative', registeredOn: '2023-10-10' })
    ).body.id;
    await killedDuring(first, `/api/participants/${participantId}/corrections`, correction, correctionKey);
    await killedDuring(await serve(dir, true), '/api/organisations', organisation, createKey);
    await killedDuring(await serve(dir, true), '/api/access/tokens', grant, grantKey);

    // The client's retries, against a process that does not crash; each twice (the second finds the saved answer).
    const restarted = await serve(dir, false);
    const twice = async (path: string, body: unknown, key: string) => {
      const answers = [await restarted.post(path, body, { 'Idempotency-Key': key }), await restarted.post(path, body, { 'Idempotency-Key': key })];
      expect(answers[1]).toEqual(answers[0]);
      return answers[0];
    };
    retried = {
      correction: await twice(`/api/participants/${participantId}/corrections`, correction, correctionKey),
      create: await twice('/api/organisations', organisation, createKey),
      grant: await twice('/api/access/tokens', grant, grantKey),
    };
    await stop(restarted);
    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    events = await store.readAll();
    await store.close();
  }, 240_000);

  const only = (type: string) => {
    const found = events.filter((event) => event.type === type);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('a correction (ParticipantCorrected) is in the log once, and the retry answers its revision and position', () => {
    const corrected = only('ParticipantCorrected');
    expect(retried.correction.status).toBe(200);
    expect(retried.correction.body).toEqual({
      id: participantId,
      streamName: `participant-${participantId}`,
      revision: corrected.revision,
      position: corrected.position,
    });
    expect(corrected.revision).toBe(1);
  });

  it('a create without a client id is in the log once, and the retry answers the id it was created with', () => {
    const registered = only('OrganisationRegistered');
    expect(retried.create.status).toBe(201);
    expect(retried.create.body).toEqual({
      id: (registered.data as { organisationId: string }).organisationId,
      streamName: registered.streamName,
      revision: 0,
      position: registered.position,
    });
  });

  it('a token grant is in the log once, and the retry says the token was shown once instead of making up a new one', () => {
    // The name is sealed in the log; the auditor grant is the only one besides the first admin's.
    const granted = events.filter((event) => event.type === 'AccessGranted' && (event.data as { role: string }).role === grant.role);
    expect(granted).toHaveLength(1);
    expect(retried.grant.status).toBe(201);
    expect(retried.grant.body).toMatchObject({
      streamName: granted[0].streamName,
      revision: 0,
      position: granted[0].position,
      token: null,
      tokenShownOnce: true,
    });
    expect(JSON.stringify(retried.grant.body)).not.toContain('plt_');
  });
});
