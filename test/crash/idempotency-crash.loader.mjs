/**
 * Loader for the API child of the idempotency crash test: `node --import tsx --import <this>`. tsx resolves
 * the TypeScript paths, but its transpiler (esbuild) emits no decorator metadata, which NestJS needs to inject
 * constructor parameters; this hook transpiles the project's own .ts files with TypeScript itself instead.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

if (isMainThread) {
  const { register } = await import('node:module');
  register(import.meta.url);
}

let ts;
// The test starts the service four times: each file is transpiled once, by its content.
const cache = join(tmpdir(), 'ledger-idempotency-crash-transpiled');
/** Part of every cache key: change it when the compiler options below change. */
const OPTIONS_VERSION = 'es2022-decorators-metadata-1';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = await readFile(file, 'utf8');
  const cached = join(cache, `${createHash('sha256').update(OPTIONS_VERSION).update(file).update('\0').update(source).digest('hex')}.js`);
  const hit = await readFile(cached, 'utf8').catch(() => undefined);
  if (hit !== undefined) return { format: 'module', source: hit, shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const { outputText } = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  });
  await mkdir(cache, { recursive: true });
  await writeFile(`${cached}.${process.pid}`, outputText);
  // Written aside and renamed, so a concurrent start never reads half a file.
  await rename(`${cached}.${process.pid}`, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
