import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { SqliteEventStore, streamName, type NewEvent } from '@app/event-store';
import { PersonalDataVault } from '@app/programme';
import { AccessRegistry } from './access.registry.js';
import { ServerKey } from './access-token.secret.js';

const OTHER_EVENTS = 500;

function event(type: string, data: unknown): NewEvent {
  return { type, data, metadata: { correlationId: 'c', causationId: 'c', actor: 'test', recordedAt: '2026-01-01T00:00:00.000Z' } };
}

function grant(tokenId: string): NewEvent {
  return event('AccessGranted', { tokenId, role: 'auditor', salt: 's', hash: 'h', name: `Holder ${tokenId}` });
}

describe('AccessRegistry start', () => {
  let dir: string;
  let store: SqliteEventStore;
  let vault: PersonalDataVault;
  let registry: AccessRegistry;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'access-registry-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
    vault = PersonalDataVault.open(join(dir, 'keys.sqlite'));
  });

  afterEach(async () => {
    await registry.stop();
    await store.close();
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows the log from where its load ended, not again from the first grant, and still sees later grants', async () => {
    // The first start's grant comes first; the programme's events follow it.
    await store.appendToStream(streamName('accessToken', 'first'), [grant('first')]);
    for (let i = 0; i < OTHER_EVENTS; i++) await store.appendToStream(streamName('participant', `p${i}`), [event('ParticipantRegistered', { i })]);
    const [head] = await store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    const subscribe = jest.spyOn(store, 'subscribeToAll');

    registry = new AccessRegistry(store, ServerKey.open(join(dir, 'server.key')));
    registry.start();
    expect(await registry.whenReady(10_000)).toBe(true);
    await store.appendToStream(streamName('accessToken', 'later'), [grant('later')]);
    while (registry.list(new Date(), vault).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));

    expect(registry.list(new Date(), vault).map(({ id, name }) => [id, name])).toEqual([
      ['first', 'Holder first'],
      ['later', 'Holder later'],
    ]);
    const from = subscribe.mock.calls.map(([options]) => options?.fromPosition);
    expect(from.every((position) => typeof position === 'number' && position >= head.position)).toBe(true);
  });
});
