/**
 * The scenario now lives in test/support/cross-innovation.scenario.ts; this path stays while specs outside the
 * browser tests (evidence trail, indicators by project, the CLI's backup and migrate specs) still import it.
 */
export * from '../support/cross-innovation.scenario.js';
