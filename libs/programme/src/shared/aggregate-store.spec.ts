import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, streamName, type NewEvent } from '@app/event-store';
import { activityDecider, type ActivityCommand } from '../activity/activity.decider.js';
import { AggregateStore } from './aggregate-store.js';
import type { CommandContext } from './command-context.js';
import { NotFound, RuleViolation } from './domain-errors.js';
import { FactsReader } from './facts.reader.js';

const today = '2026-11-22';
const project = { projectId: 'cis', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] };
const participant = (participantId: string) => ({ participantId, projectId: 'cis', role: 'creative' as const });

function context(): CommandContext {
  const correlationId = randomUUID();
  return { actor: 'test', correlationId, causationId: correlationId, now: new Date(`${today}T10:00:00Z`), newEntityId: () => randomUUID() };
}

const metadata = (command: string) => ({ actor: 'cli', correlationId: randomUUID(), causationId: randomUUID(), recordedAt: `${today}T09:00:00Z`, command });

/**
 * Every stream, short ones too, stays folded in the service's memory between commands. Two store instances over
 * one file stand for the service and another process (the CLI, a second service) writing to the same log: what
 * the other one appends must be seen by the next command here, and decided on.
 */
describe('AggregateStore with another process writing to the same store', () => {
  let dir: string;
  let here: SqliteEventStore;
  let elsewhere: SqliteEventStore;
  const activityId = 'workshop-1';
  const activity = streamName('activity', activityId);
  const record = (aggregates: AggregateStore, participantId: string, date: string) =>
    aggregates.handle(activityDecider, { category: 'activity', id: activityId }, 'RecordAttendance', context(), (): ActivityCommand => ({
      type: 'RecordAttendance',
      data: { activityId, participantId, date },
      participant: participant(participantId),
      project,
      today,
    }));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-aggregates-'));
    const file = join(dir, 'events.sqlite');
    here = SqliteEventStore.open({ file });
    elsewhere = SqliteEventStore.open({ file });
    const opened: NewEvent = {
      type: 'ActivityOpened',
      data: { activityId, projectId: 'cis', format: 'network-meeting', name: 'Verkstad', startDate: '2024-01-01', endDate: '2026-11-01', crossBorder: false },
      metadata: metadata('OpenActivity'),
    };
    await here.appendToStream(activity, [opened], { expectedRevision: 'no_stream' });
  });
  afterEach(async () => {
    await here.close();
    await elsewhere.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a command on a short stream the other process closed after this one kept its fold', async () => {
    const aggregates = new AggregateStore(here);
    await expect(record(aggregates, 'p-1', '2024-03-01')).resolves.toMatchObject({ revision: 1 });
    await elsewhere.appendToStream(activity, [{ type: 'ActivityClosed', data: { activityId, closedOn: '2024-06-01' }, metadata: metadata('CloseActivity') }], {
      expectedRevision: 1,
    });
    await expect(record(aggregates, 'p-2', '2024-03-01')).rejects.toThrow('"Verkstad" was closed on 2024-06-01');
    expect(await new FactsReader(aggregates).activity(activityId)).toMatchObject({ status: 'closed' });
  });

  it("sees the other process's command on the same stream, refuses a duplicate of it and appends after it", async () => {
    const aggregates = new AggregateStore(here);
    await record(aggregates, 'p-1', '2024-03-01');
    await expect(record(new AggregateStore(elsewhere), 'p-2', '2024-03-01')).resolves.toMatchObject({ revision: 2 });
    await expect(record(aggregates, 'p-2', '2024-03-01')).rejects.toThrow(RuleViolation);
    await expect(record(aggregates, 'p-3', '2024-03-01')).resolves.toMatchObject({ revision: 3 });
    const recorded = await elsewhere.readStream(activity);
    expect(recorded.map((event) => (event.data as { participantId?: string }).participantId)).toEqual([undefined, 'p-1', 'p-2', 'p-3']);
  });

  it('finds a fact the other process created after this one found it missing', async () => {
    const facts = new FactsReader(new AggregateStore(here));
    await expect(facts.project('cis')).rejects.toThrow(NotFound);
    const registered: NewEvent = {
      type: 'ProjectRegistered',
      data: { ...project, name: 'CIS', programme: 'Interreg Öresund', fund: 'Interreg' },
      metadata: metadata('RegisterProject'),
    };
    await elsewhere.appendToStream(streamName('project', 'cis'), [registered], { expectedRevision: 'no_stream' });
    await expect(facts.project('cis')).resolves.toMatchObject({ projectId: 'cis', endDate: '2026-12-31' });
  });

  it('a write here that lost the race to the other process is decided again on what the other one wrote', async () => {
    const aggregates = new AggregateStore(here);
    await record(aggregates, 'p-1', '2024-03-01');
    // The other process appends between this one's read and its append: the expected revision is the guard.
    let raced = false;
    const result = aggregates.handle(activityDecider, { category: 'activity', id: activityId }, 'RecordAttendance', context(), async (): Promise<ActivityCommand> => {
      if (!raced) {
        raced = true;
        await elsewhere.appendToStream(activity, [{ type: 'AttendanceRecorded', data: { activityId, participantId: 'p-2', date: '2024-03-01' }, metadata: metadata('RecordAttendance') }]);
      }
      return { type: 'RecordAttendance', data: { activityId, participantId: 'p-2', date: '2024-03-01' }, participant: participant('p-2'), project, today };
    });
    await expect(result).rejects.toThrow('already recorded');
    expect(await here.readStream(activity)).toHaveLength(3);
  });
});
