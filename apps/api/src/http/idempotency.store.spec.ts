import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdempotencyStore } from './idempotency.store.js';

describe('IdempotencyStore: answers saved together', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-idempotency-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const answer = (i: number) => ({ requestHash: `request-${i}`, status: 201, body: { id: `entity-${i}`, position: i } });

  it('finds every answer from the moment it is handed over, and still after a restart once saved', async () => {
    const file = join(dir, 'service.sqlite');
    const store = IdempotencyStore.open(file, { ttlHours: 24 });
    const saving = Array.from({ length: 50 }, (_, i) => store.saveGrouped(`key-${i}`, answer(i)));
    // Not on disk yet: a retry arriving now must still be answered the first answer, not run again.
    for (let i = 0; i < 50; i++) expect(store.find(`key-${i}`)).toEqual(answer(i));
    await Promise.all(saving);
    store.close();

    const reopened = IdempotencyStore.open(file, { ttlHours: 24 });
    for (let i = 0; i < 50; i++) expect(reopened.find(`key-${i}`)).toEqual(answer(i));
    expect(reopened.size).toBe(50);
    reopened.close();
  });

  it('writes answers still waiting for their turn when closed', () => {
    const file = join(dir, 'service.sqlite');
    const store = IdempotencyStore.open(file, { ttlHours: 24 });
    void store.saveGrouped('late', answer(7));
    store.close();

    const reopened = IdempotencyStore.open(file, { ttlHours: 24 });
    expect(reopened.find('late')).toEqual(answer(7));
    reopened.close();
  });
});

describe('IdempotencyStore: keys looked up in memory first', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-idempotency-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const answer = { requestHash: 'request', status: 201, body: { id: 'entity' } };

  it('finds an answer another connection wrote into the same file, which its filter never saw', async () => {
    const file = join(dir, 'service.sqlite');
    const service = IdempotencyStore.open(file, { ttlHours: 24 });
    expect(service.find('written-elsewhere')).toBeUndefined();
    const other = IdempotencyStore.open(file, { ttlHours: 24 });
    other.save('written-elsewhere', answer);
    other.close();
    // The file is asked about other writers once per turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.find('written-elsewhere')).toEqual(answer);
    service.close();
  });

  it('finds answers kept before a restart and answers saved a day of generations later, and forgets expired ones', () => {
    const file = join(dir, 'service.sqlite');
    let now = new Date('2026-12-01T00:00:00Z').getTime();
    const clock = () => new Date(now);
    const first = IdempotencyStore.open(file, { ttlHours: 24, clock });
    first.save('before-restart', answer);
    first.close();
    now += 12 * 3_600_000;
    const store = IdempotencyStore.open(file, { ttlHours: 24, clock });
    expect(store.find('before-restart')).toEqual(answer);
    store.save('after-restart', answer);
    now += 13 * 3_600_000;
    expect(store.find('before-restart')).toBeUndefined();
    expect(store.find('after-restart')).toEqual(answer);
    now += 12 * 3_600_000;
    expect(store.find('after-restart')).toBeUndefined();
    store.close();
  });
});
