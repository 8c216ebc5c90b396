import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** The budget the dashboard is held to: all of its JavaScript, gzipped. */
const JS_BUDGET_BYTES = 300 * 1024;

/** Prints the gzipped size of all JavaScript the build wrote, and fails the build over the budget. */
function jsBudget(): Plugin {
  return {
    name: 'programme-ledger-js-budget',
    apply: 'build',
    generateBundle(_, bundle) {
      let total = 0;
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk') total += gzipSync(file.code).length;
      }
      const kb = (total / 1024).toFixed(1);
      console.log(`dashboard JavaScript: ${kb} KB gzipped in all (budget ${JS_BUDGET_BYTES / 1024} KB)`);
      if (total > JS_BUDGET_BYTES) this.error(`dashboard JavaScript is ${kb} KB gzipped, over the ${JS_BUDGET_BYTES / 1024} KB budget`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  plugins: [jsBudget()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    // No inline modulepreload polyfill or inlined assets: the page's CSP allows only files from its own origin.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    rolldownOptions: {
      // react-bootstrap marks its modules "use client" (for server components); in a browser bundle it means nothing.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      checks: { pluginTimings: false },
    },
  },
});
