/** ESM jest: NestJS 12 is ESM-only (see the README's "Toolchain" notes). */
export default {
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
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
  testTimeout: 60000,
};
