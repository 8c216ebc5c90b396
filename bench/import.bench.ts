/**
 * Spreadsheet import speed: an XLSX of 10,000 participant rows (made here with exceljs), read, checked row by row
 * (DTO rules, deciders, duplicates in the file and against the ledger) and applied through the command handlers
 * into the embedded store, personal data sealed per person. Prints numbers and the target; never fails on them.
 *
 *   npm run build:api && node dist/bench/import.bench.js      (LEDGER_BENCH_ROWS=2000 for a quick look)
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/api/src/create-app.js';
import { ImportService } from '../apps/api/src/imports/import.service.js';
import { benchScratchDir } from './scratch-dir.bench-support.js';
import { xlsxFixture } from './xlsx-fixture.bench-support.js';

const ROWS = Number(process.env.LEDGER_BENCH_ROWS ?? 10_000);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const dir = benchScratchDir('bench-import-');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

try {
  const app = await createApp(
    { host: '127.0.0.1', port: 0, dataDir: dir, adminToken: ADMIN, eventStore: { kind: 'sqlite', file: join(dir, 'events.sqlite') } },
    { logger: false },
  );
  await app.init();
  const project = await app.getHttpAdapter().getInstance().inject({
    method: 'POST',
    url: '/api/projects',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    payload: { name: 'Bench', programme: 'Interreg', fund: 'ERDF', startDate: '2023-01-01', endDate: '2026-12-31', countries: ['SE'] },
  });
  const projectId = (project.json() as { id: string }).id;

  const genders = ['Kvinna', 'Man', 'Annat', 'Vill ej ange'];
  const roles = ['Kreatör', 'Företagsrepresentant', 'Offentlig sektor', 'Forskare', 'Student', 'Annan'];
  const file = await xlsxFixture(
    ['Namn', 'E-post', 'Telefon', 'Kön', 'Födelseår', 'Roll', 'Registrerad'],
    Array.from({ length: ROWS }, (_, i) => [`Person ${i} Svensson`, `person${i}@example.se`, `+46 70 ${String(100_000 + i).padStart(7, '0')}`, genders[i % 4], 1950 + (i % 50), roles[i % 6], new Date(Date.UTC(2024, i % 12, 1 + (i % 28)))]),
  );
  console.log(`Programme Ledger import benchmark: ${fmt(ROWS)} participant rows, an XLSX of ${fmt(file.length / 1024)} KB, data in ${dir}`);

  const imports = app.get(ImportService);
  const context = () => ({ actor: 'bench', correlationId: randomUUID(), causationId: randomUUID(), now: new Date(), newEntityId: randomUUID });
  const request = { projectId, kind: 'participants' as const, file, onError: 'refuse' as const };

  // CPU seconds of this process beside the wall clock: on a shared machine (load average over the core count) the
  // wall clock mostly measures the neighbours.
  const cpuSince = (from: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(from);
    return `${((used.user + used.system) / 1e6).toFixed(2)} s CPU, load average ${loadavg()[0].toFixed(1)}`;
  };
  let cpu = process.cpuUsage();
  let started = performance.now();
  const dry = await imports.run({ ...request, dryRun: true }, context());
  const drySeconds = (performance.now() - started) / 1000;
  console.log(`${fmt(ROWS)} participant rows validated (dry run): ${drySeconds.toFixed(2)} s (${fmt(ROWS / drySeconds)} rows/s; ${cpuSince(cpu)}); ${dry.report.valid} valid`);

  cpu = process.cpuUsage();
  started = performance.now();
  const applied = await imports.run({ ...request, dryRun: false }, context());
  const applySeconds = (performance.now() - started) / 1000;
  if (applied.report.recorded !== ROWS) console.log(`  (!) recorded ${applied.report.recorded} of ${ROWS} rows`);
  console.log(`${fmt(ROWS)} participant rows validated and applied: ${applySeconds.toFixed(2)} s (target < 10 s) (${fmt(ROWS / applySeconds)} rows/s; ${cpuSince(cpu)})`);

  started = performance.now();
  const again = await imports.run({ ...request, dryRun: false }, context());
  console.log(`the same file again (answers the first outcome, records nothing): ${((performance.now() - started) / 1000).toFixed(2)} s; status ${again.status}`);
  await app.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
