/**
 * Debian's chromium as the browser tests and the dashboard bench drive it (through playwright-core, which downloads
 * no browser; .ci/run installs the package). One list of places and one set of flags for both.
 */
import { existsSync } from 'node:fs';

/** The first of CHROMIUM_PATH, Debian's and Ubuntu's locations that exists; none: undefined. */
export function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string => !!path && existsSync(path));
}

/** The flags the toolchain notes list for Debian's chromium, headless, as root on these machines. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];
