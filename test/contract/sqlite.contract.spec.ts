import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { describeEventStoreContract } from './event-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreContract(
  'SQLite (embedded)',
  async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    return { store, dispose: () => store.close() };
  },
  { detectsConflictingContent: true },
);
