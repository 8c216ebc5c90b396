import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { EVENT_STORE, streamName, type EventStore, type NewEvent } from '@app/event-store';
import { crossInnovation, startApi, type ApiFixture } from '../support/api-fixture.js';

/**
 * A lab run as a long meeting series: 20,000 attendance records on one activity stream, written straight to the
 * store in batches (as the service would have written them, Idempotency-Key hashes in the metadata), then the
 * service's rules asked again on top of them, by 16 writers at once. On both stores.
 */
const HOUR = 3_600_000;
const SEEDED = 20_000;
const WRITERS = 16;
/** Day `n` of the series, one meeting a day from 2023-01-02. */
const day = (n: number) => new Date(Date.UTC(2023, 0, 2 + n)).toISOString().slice(0, 10);

describe('an activity with 20,000 attendance records', () => {
  const clock = { now: new Date('2026-11-22T10:00:00Z') };
  let api: ApiFixture;
  let labId: string;
  let stream: string;
  /** Registered through the API: the ones new commands name. The seeded series also names 80 more. */
  const creatives: string[] = [];
  let stranger: string;
  /** An attendance recorded under an Idempotency-Key among the seeded ones, and its answer. */
  let seededKey: { key: string; participantId: string; date: string; revision: number };

  const store = () => api.app.get<EventStore>(EVENT_STORE);
  /** The stream's events after `revision` (the whole stream by default). */
  const eventsAfter = (revision = -1) => store().readStream(stream, { fromRevision: revision + 1 });
  const attendanceIn = (events: Awaited<ReturnType<typeof eventsAfter>>) => events.filter((event) => event.type === 'AttendanceRecorded');
  const pairsOf = (events: Awaited<ReturnType<typeof eventsAfter>>) =>
    events.map(({ data }) => `${(data as { participantId: string }).participantId} ${(data as { date: string }).date}`);
  const revisionNow = async () => (await api.get(`/api/activities/${labId}`).expect(200)).body.revision as number;
  /** A client that tries again, as the 409 asks, when its write lost the race for the stream five times. */
  const write = async (url: string, body: object, headers: Record<string, string> = {}) => {
    for (;;) {
      const res = await api.post(url, body, headers);
      if (res.status !== 409) return res;
      expect(res.body.message).toMatch(/being changed by others right now; try again/);
    }
  };

  beforeAll(async () => {
    api = await startApi(clock.now, { clock: () => clock.now, idempotencyTtlHours: 24 });
    const projectId = (await api.post('/api/projects', crossInnovation).expect(201)).body.id as string;
    const otherProjectId = (await api.post('/api/projects', { ...crossInnovation, name: 'Another project' }).expect(201)).body.id as string;
    labId = (
      await api
        .post(`/api/projects/${projectId}/labs`, {
          name: 'Nätverksträffar Karlshamn',
          theme: 'hav och vatten',
          startDate: '2023-01-02',
          endDate: '2026-11-01',
          capacity: { companies: 4, creatives: 4 },
        })
        .expect(201)
    ).body.id as string;
    stream = streamName('activity', labId);
    const participant = (project: string, i: number) =>
      api
        .post(`/api/projects/${project}/participants`, { person: { name: `Deltagare ${i}` }, gender: 'woman', role: 'creative', registeredOn: '2023-01-02' })
        .expect(201)
        .then((res) => res.body.id as string);
    for (let i = 0; i < 20; i++) creatives.push(await participant(projectId, i));
    stranger = await participant(otherProjectId, 99);

    // 100 participants on each of 200 days: the 20 above and 80 more.
    const series = [...creatives, ...Array.from({ length: 80 }, () => randomUUID())];
    let revision = 0;
    for (let done = 0; done < SEEDED; done += 1_000) {
      const batch: NewEvent[] = Array.from({ length: 1_000 }, (_, k) => {
        const i = done + k;
        const correlationId = randomUUID();
        return {
          type: 'AttendanceRecorded',
          data: { activityId: labId, participantId: series[i % 100], date: day(Math.floor(i / 100)) },
          metadata: {
            actor: 'seed',
            correlationId,
            causationId: correlationId,
            command: 'RecordAttendance',
            recordedAt: clock.now.toISOString(),
            schemaVersion: 1,
            idempotencyKey: randomBytes(32).toString('hex'),
          },
        };
      });
      revision = (await store().appendToStream(stream, batch, { expectedRevision: revision })).nextExpectedRevision;
    }
    expect(revision).toBe(SEEDED);

    // One more through the API under a key, then left to expire: its retry must be answered from the log.
    const key = `long-series-${randomUUID()}`;
    const first = await api.post(`/api/activities/${labId}/attendance`, { participantId: creatives[0], date: day(300) }, { 'Idempotency-Key': key }).expect(200);
    seededKey = { key, participantId: creatives[0], date: day(300), revision: first.body.revision };
    expect(first.body.revision).toBe(SEEDED + 1);
  }, 180_000);
  let restartedIn: string | undefined;
  afterAll(async () => {
    await api?.close();
    // The first fixture's directory, kept across the restart below.
    if (restartedIn) rmSync(restartedIn, { recursive: true, force: true });
  });

  it('refuses a participant on a day recorded 20,000 events ago, and records them on a new day', async () => {
    const twice = await api.post(`/api/activities/${labId}/attendance`, { participantId: creatives[3], date: day(0) });
    expect(twice.status).toBe(422);
    expect(twice.body.message).toBe(`Attendance of participant ${creatives[3]} on ${day(0)} is already recorded`);
    const lastSeeded = await api.post(`/api/activities/${labId}/attendance`, { participantId: creatives[19], date: day(199) });
    expect(lastSeeded.status).toBe(422);

    const before = await api.get(`/api/activities/${labId}`).expect(200);
    const fresh = await api.post(`/api/activities/${labId}/attendance`, { participantId: creatives[3], date: day(200) }).expect(200);
    expect(fresh.body.revision).toBe(before.body.revision + 1);
  });

  it("refuses another project's participant at 20,000", async () => {
    const res = await api.post(`/api/activities/${labId}/attendance`, { participantId: stranger, date: day(201) });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/belongs to another project/);
  });

  it(`${WRITERS} concurrent writers: each participant and day is recorded once, whoever wins`, async () => {
    const before = await revisionNow();
    // 6 new pairs, each asked for twice at the same moment, and 4 pairs of the seeded series.
    const fresh = Array.from({ length: 12 }, (_, i) => ({ participantId: creatives[4 + (i % 6)], date: day(202) }));
    const seeded = [0, 57, 133, 199].map((n) => ({ participantId: creatives[n % 20], date: day(n) }));
    const answers = await Promise.all([...fresh, ...seeded].map((body) => write(`/api/activities/${labId}/attendance`, body)));
    const recorded = answers.filter((res) => res.status === 200);
    expect(recorded).toHaveLength(6);
    expect(new Set(recorded.map((res) => res.body.revision)).size).toBe(6);
    const refused = answers.filter((res) => res.status === 422);
    expect(refused).toHaveLength(10);
    for (const res of refused) expect(res.body.message).toMatch(/is already recorded/);
    for (const res of answers.slice(12)) expect(res.status).toBe(422);

    const added = pairsOf(attendanceIn(await eventsAfter(before)));
    expect(added.sort()).toEqual([...new Set(fresh.map(({ participantId, date }) => `${participantId} ${date}`))].sort());
  });

  it(`${WRITERS} concurrent admissions fill the lab's 4 creative places and no more`, async () => {
    const answers = await Promise.all(creatives.slice(0, WRITERS).map((participantId) => write(`/api/labs/${labId}/creatives`, { participantId, admittedOn: '2023-02-01' })));
    expect(answers.filter((res) => res.status === 200)).toHaveLength(4);
    const full = answers.filter((res) => res.status === 422);
    expect(full).toHaveLength(WRITERS - 4);
    for (const res of full) expect(res.body.message).toBe('"Nätverksträffar Karlshamn" is full: it admits 4 creatives');
    const lab = await api.get(`/api/labs/${labId}`).expect(200);
    expect(lab.body.creatives).toHaveLength(4);
  });

  it('answers its state with one page of the attendance, chosen by attendanceLimit and attendanceOffset', async () => {
    const first = await api.get(`/api/activities/${labId}`).expect(200);
    // Every event of the lab's stream but its opening and its 4 admissions is an attendance.
    const total = first.body.revision + 1 - 1 - 4;
    expect(total).toBeGreaterThan(SEEDED);
    expect(first.body.attendance).toMatchObject({ total, limit: 50, offset: 0 });
    const opening = attendanceIn(await store().readStream(stream, { maxCount: 51 }));
    expect(pairsOf(opening)).toEqual(first.body.attendance.items.map((a: { participantId: string; date: string }) => `${a.participantId} ${a.date}`));
    expect(first.body.creatives).toHaveLength(4);
    expect(first.headers.etag).toBe(`"${first.body.revision}"`);

    const last = await api.get(`/api/activities/${labId}?attendanceLimit=500&attendanceOffset=${total - 3}`).expect(200);
    expect(last.body.attendance).toMatchObject({ total, limit: 500, offset: total - 3 });
    // The 4 admissions came after the last attendance.
    const closing = attendanceIn(await store().readStream(stream, { direction: 'backwards', maxCount: 10 })).slice(0, 3).reverse();
    expect(pairsOf(closing)).toEqual(last.body.attendance.items.map((a: { participantId: string; date: string }) => `${a.participantId} ${a.date}`));
    const beyond = await api.get(`/api/labs/${labId}?attendanceOffset=${total}`).expect(200);
    expect(beyond.body.attendance.items).toEqual([]);
    // The whole answer stays small, however long the series.
    expect(JSON.stringify(last.body).length).toBeLessThan(64 * 1024);
  });

  it('refuses a page out of bounds with a 400 naming the parameter', async () => {
    const res = await api.get(`/api/activities/${labId}?attendanceLimit=501&attendanceOffset=-1`);
    expect(res.status).toBe(400);
    expect(res.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['attendanceLimit', 'attendanceOffset']);
  });

  it('a retry after its saved answer expired answers the first outcome from the log and writes nothing, warm and after a restart', async () => {
    clock.now = new Date(clock.now.getTime() + 25 * HOUR);
    const retry = async () => {
      for (let tries = 0; ; tries++) {
        const res = await api.post(`/api/activities/${labId}/attendance`, { participantId: seededKey.participantId, date: seededKey.date }, { 'Idempotency-Key': seededKey.key });
        // Right after a start, access control may still be loading its grants: 503, try again shortly.
        if (res.status !== 503 || tries >= 300) return res;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const before = await revisionNow();
    const warm = await retry();
    expect(warm.status).toBe(200);
    expect(warm.body.revision).toBe(seededKey.revision);

    const dataDir = (restartedIn = api.dataDir);
    await api.app.close();
    api = await startApi(clock.now, { clock: () => clock.now, idempotencyTtlHours: 24, dataDir });
    const cold = await retry();
    expect(cold.status).toBe(200);
    expect(cold.body).toEqual(warm.body);
    expect(await eventsAfter(before)).toEqual([]);
  });

  it(`once closed, none of ${WRITERS} concurrent writers records anything`, async () => {
    const before = await revisionNow();
    const answers = await Promise.all([
      write(`/api/activities/${labId}/close`, { closedOn: '2026-11-01' }),
      ...creatives.slice(0, WRITERS - 1).map((participantId) => write(`/api/activities/${labId}/attendance`, { participantId, date: day(400) })),
    ]);
    expect(answers[0].status).toBe(200);
    const lab = await api.get(`/api/activities/${labId}`).expect(200);
    expect(lab.body.closed).toBe(true);
    const events = await eventsAfter(before);
    expect(events.at(-1)?.type).toBe('ActivityClosed');
    // Whoever got in before the close was recorded; everyone after was refused for it.
    const recorded = answers.slice(1).filter((res) => res.status === 200).length;
    expect(attendanceIn(events)).toHaveLength(recorded);
    for (const res of answers.slice(1).filter((res) => res.status !== 200)) {
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/was closed on 2026-11-01/);
    }
    const late = await api.post(`/api/activities/${labId}/attendance`, { participantId: creatives[0], date: day(401) });
    expect(late.status).toBe(422);
  });
});
