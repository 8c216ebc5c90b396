/**
 * Loader for the API child of the idempotency crash test: `node --import tsx --import <this>`. tsx resolves
 * the TypeScript paths, but its transpiler (esbuild) emits no decorator metadata, which NestJS needs to inject
 * constructor parameters; this hook transpiles the project's own .ts files with TypeScript itself instead.
 */
import { readFile } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

if (isMainThread) {
  const { register } = await import('node:module');
  register(import.meta.url);
}

let ts;

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
  ts ??= (await import('typescript')).default;
  const file = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
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
  return { format: 'module', source: outputText, shortCircuit: true };
}
