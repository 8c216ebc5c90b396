/** ESM jest: NestJS 12 is ESM-only (see the README's "Toolchain" notes). */
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/event-store$': '<rootDir>/libs/event-store/src/index.ts',
    '^@app/programme$': '<rootDir>/libs/programme/src/index.ts',
    '^@app/reporting$': '<rootDir>/libs/reporting/src/index.ts',
    '^@app/access$': '<rootDir>/libs/access/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^content-disposition$': '<rootDir>/test/support/content-disposition.cjs',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
};

/**
 * Two stores, one behaviour: the whole product (API end-to-end, audit, projection crash tests) runs a second
 * time on the EventStoreDB adapter, over real gRPC against the wire-level test server (test/esdb), through
 * the same tests: test/support/test-store.ts picks the store from LEDGER_TEST_STORE.
 */
const onEventStoreDb = {
  ...base,
  displayName: 'eventstoredb',
  setupFiles: ['<rootDir>/test/support/eventstoredb-project.setup.ts'],
  testMatch: ['<rootDir>/test/{api,audit}/**/*.spec.ts', '<rootDir>/test/crash/projection-crash.spec.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    // Chooses its stores itself (the embedded one and EventStoreDB, up and down) and runs once.
    '<rootDir>/test/api/health\\.e2e\\.spec\\.ts$',
    // Runs on EventStoreDB whatever the project (server.drop() is the test server's), so once is enough.
    '<rootDir>/test/api/log-drop\\.e2e\\.spec\\.ts$',
    '<rootDir>/test/api/eventstoredb-service\\.e2e\\.spec\\.ts$',
    // About the files the embedded store creates in the data directory (events.sqlite and its WAL).
    '<rootDir>/test/api/file-modes\\.e2e\\.spec\\.ts$',
  ],
};

export default {
  testTimeout: 60000,
  projects: [{ ...base, displayName: 'embedded', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] }, onEventStoreDb],
};
