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
