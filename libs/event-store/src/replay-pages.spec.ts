import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayPages, type EventStore, type LogPages, type RecordedEvent } from './event-store.port.js';
import { MeteredEventStore } from './metered-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';
import { ReplayedEvent } from './sqlite/replayed-event.js';
import { SqliteLogPages } from './sqlite/sqlite-log-pages.reader.js';
import { readPagesToEnd, recordedFields as fields } from '../../../test/support/recorded-events.js';

/*
 * A rebuild reads the whole log through `replayPages`: the embedded store's own replay (on a thread of its own, or
 * inline), also through the metered wrapper the service puts around it, and readAll pages for any other store.
 * Every way gives the same events, in log order, ending at the first short page.
 */

/** The pages to the end, closed after. */
async function readToEnd(pages: LogPages, pageSize: number): Promise<{ events: RecordedEvent[]; sizes: number[] }> {
  try {
    return await readPagesToEnd(pages, pageSize);
  } finally {
    await pages.close();
  }
}

describe('replaying the log page by page (replayPages)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let all: RecordedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-replay-pages-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    for (let stream = 0; stream < 5; stream++) {
      await store.appendToStream(
        `participant-${stream}`,
        Array.from({ length: 5 }, (_, n) => ({
          type: 'ParticipantCorrected',
          data: { stream, n, name: 'Åsa Ödegård' },
          metadata: { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-12-02T00:00:00.000Z' },
        })),
      );
    }
    all = await store.readAll();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the embedded log on a thread of its own, also through the metered wrapper, with every field as readAll has it', async () => {
    const pages = replayPages(new MeteredEventStore(store), { afterPosition: 0, pageSize: 10 });
    expect(pages).toBeInstanceOf(SqliteLogPages);
    const { events, sizes } = await readToEnd(pages, 10);
    expect(sizes).toEqual([10, 10, 5]);
    expect(events.map(fields)).toEqual(all.map(fields));
  });

  it('reads inline when asked, from just after the position given', async () => {
    const after = all[6].position;
    const pages = replayPages(new MeteredEventStore(store), { afterPosition: after, pageSize: 8, reader: 'inline' });
    expect(pages).not.toBeInstanceOf(SqliteLogPages);
    const { events, sizes } = await readToEnd(pages, 8);
    expect(sizes).toEqual([8, 8, 2]);
    // The store's own replay (metadata parsed on demand), not readAll pages.
    expect(events[0]).toBeInstanceOf(ReplayedEvent);
    expect(events.map(fields)).toEqual(all.slice(7).map(fields));
  });

  it('pages any other store with readAll', async () => {
    const asked: Array<{ afterPosition?: number; maxCount?: number }> = [];
    const other: EventStore = {
      appendToStream: () => Promise.reject(new Error('not used')),
      readStream: () => Promise.reject(new Error('not used')),
      subscribeToAll: () => {
        throw new Error('not used');
      },
      ping: async () => {},
      close: async () => {},
      readAll: (options = {}) => {
        asked.push({ afterPosition: options.afterPosition, maxCount: options.maxCount });
        return store.readAll(options);
      },
    };
    const { events, sizes } = await readToEnd(replayPages(new MeteredEventStore(other), { afterPosition: 0, pageSize: 12 }), 12);
    expect(sizes).toEqual([12, 12, 1]);
    expect(events.map(fields)).toEqual(all.map(fields));
    expect(asked).toEqual([
      { afterPosition: 0, maxCount: 12 },
      { afterPosition: all[11].position, maxCount: 12 },
      { afterPosition: all[23].position, maxCount: 12 },
    ]);
  });
});
