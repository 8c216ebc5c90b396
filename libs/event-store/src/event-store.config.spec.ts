import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, eventStoreConfigFromEnv, openEventStore } from './event-store.config.js';
import { AppendTooLargeError, StreamNotFoundError } from './event-store.errors.js';
import type { NewEvent } from './event-store.port.js';

const event = (text: string): NewEvent => ({
  type: 'Noted',
  data: { text },
  metadata: { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-12-01T00:00:00.000Z' },
});

describe('LEDGER_MAX_APPEND_BYTES', () => {
  it("defaults to EventStoreDB's 1 MiB on both stores", () => {
    expect(eventStoreConfigFromEnv({ LEDGER_DATA_DIR: '/tmp/x' })).toMatchObject({ kind: 'sqlite', maxAppendBytes: 1_048_576 });
    expect(
      eventStoreConfigFromEnv({ LEDGER_EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false' }),
    ).toMatchObject({ kind: 'eventstoredb', maxAppendBytes: 1_048_576 });
  });

  it('is read as a whole number of bytes', () => {
    expect(eventStoreConfigFromEnv({ LEDGER_MAX_APPEND_BYTES: ' 4194304 ' })).toMatchObject({ maxAppendBytes: 4_194_304 });
  });

  it.each(['lots', '-1', '1.5', '0', '1023', '99999999999', '1e6'])('refuses %j, naming the variable and the rule', (value) => {
    const attempt = () => eventStoreConfigFromEnv({ LEDGER_MAX_APPEND_BYTES: value });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/LEDGER_MAX_APPEND_BYTES must be a whole number of bytes from 1024 to 2147483647/);
  });

  it('lists every problem at once', () => {
    const error = (() => {
      try {
        eventStoreConfigFromEnv({ LEDGER_EVENT_STORE: 'eventstoredb', LEDGER_MAX_APPEND_BYTES: 'lots' });
      } catch (caught) {
        return caught as ConfigurationError;
      }
      throw new Error('expected a ConfigurationError');
    })();
    expect(error.problems).toEqual([expect.stringMatching(/^LEDGER_MAX_APPEND_BYTES/), expect.stringMatching(/^EVENTSTORE_CONNECTION_STRING/)]);
  });

  it('limits the embedded store opened from the configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-config-'));
    const store = openEventStore(eventStoreConfigFromEnv({ LEDGER_DATA_DIR: dir, LEDGER_MAX_APPEND_BYTES: '2048' }));
    try {
      await store.appendToStream('note-1', [event('x'.repeat(1000))]);
      await expect(store.appendToStream('note-2', [event('x'.repeat(2048))])).rejects.toBeInstanceOf(AppendTooLargeError);
      await expect(store.readStream('note-2')).rejects.toBeInstanceOf(StreamNotFoundError);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
