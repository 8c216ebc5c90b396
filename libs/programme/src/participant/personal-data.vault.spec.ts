import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PersonalDataVault } from './personal-data.vault.js';

const PEOPLE = 200;

describe('PersonalDataVault', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    file = join(dir, 'vault.sqlite');
    // Created and closed once, so the WAL the tests look at holds only what they write.
    PersonalDataVault.open(file).close();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Whether the key is on disk, as another connection (or the process after a crash) would find it. */
  function keyOnDisk(keyId: string): boolean {
    const reader = new Database(file, { readonly: true });
    try {
      return reader.prepare('SELECT 1 FROM person_keys WHERE key_id = ?').get(keyId) !== undefined;
    } finally {
      reader.close();
    }
  }

  it('writes the keys of many people sealed in one turn in one commit, each durable before its seal resolves', async () => {
    const vault = PersonalDataVault.open(file);
    const ids = Array.from({ length: PEOPLE }, (_, i) => `person-${i}`);
    const durableWhenResolved: boolean[] = [];
    const seals = ids.map((id, i) =>
      vault.seal(id, { name: `Person ${i}`, email: `p${i}@example.eu` }).then((result) => {
        durableWhenResolved.push(keyOnDisk(id));
        return result;
      }),
    );
    const results = await Promise.all(seals);

    expect(durableWhenResolved).toEqual(ids.map(() => true));
    expect(results.every(({ createdKey }) => createdKey)).toBe(true);
    const checker = new Database(file);
    const [{ log: walFrames }] = checker.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    checker.close();
    // One transaction touches a handful of pages; a commit per key would write at least one frame per key.
    expect(walFrames).toBeLessThan(PEOPLE / 10);
    vault.close();

    const reopened = PersonalDataVault.open(file);
    expect(results.map(({ sealed }) => reopened.unseal(sealed)?.name)).toEqual(ids.map((_, i) => `Person ${i}`));
    reopened.close();
  });

  it('reuses a key made earlier in the same turn, and resolves only once that key is durable', async () => {
    const vault = PersonalDataVault.open(file);
    const first = vault.seal('person-1', { name: 'Ada' });
    const second = vault.seal('person-1', { name: 'Ada L.' });
    const [a, b] = await Promise.all([first, second]);

    expect([a.createdKey, b.createdKey]).toEqual([true, false]);
    expect(keyOnDisk('person-1')).toBe(true);
    expect(vault.unseal(b.sealed)?.name).toBe('Ada L.');
    vault.close();
  });

  it('never writes a key destroyed before its turn ended, and reads nothing sealed with it', async () => {
    const vault = PersonalDataVault.open(file);
    const sealing = vault.seal('person-1', { name: 'Ada' });
    vault.destroy('person-1');
    const { sealed } = await sealing;

    expect(keyOnDisk('person-1')).toBe(false);
    expect(vault.unseal(sealed)).toBeUndefined();
    vault.close();
  });

  it('writes keys made for an import together with those still waiting for the turn to end', async () => {
    const vault = PersonalDataVault.open(file);
    const sealing = vault.seal('person-1', { name: 'Ada' });
    vault.createKeys(['person-1', 'person-2']);

    expect([keyOnDisk('person-1'), keyOnDisk('person-2')]).toEqual([true, true]);
    const { sealed } = await sealing;
    vault.close();
    const reopened = PersonalDataVault.open(file);
    expect(reopened.unseal(sealed)?.name).toBe('Ada');
    reopened.close();
  });
});
