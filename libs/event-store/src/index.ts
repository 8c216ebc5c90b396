export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './stream-name.js';
export * from './log-follower.js';
export { prepareEvents, chainEvents, chainedMetadata, assertValidExpectedRevision, type ChainedEvent } from './new-event.js';
export { canonicalJson, sha256Hex, eventHash, logChainHash, isSha256Hex, type HashedEventFields } from './event-hash.js';
export {
  LogVerifier,
  verifyEventStore,
  readWholeLog,
  progressReporter,
  describeEvent,
  logProblem,
  type VerifiableEvent,
  type LogProblem,
  type LogProblemKind,
  type LogVerification,
  type VerifyProgress,
  type VerifyEventStoreOptions,
} from './log-verifier.js';
export { verifySqliteEventLog, type SqliteLogVerification } from './sqlite/sqlite-log-verifier.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
export { openSqliteFile, ensurePrivateDirectory, createPrivateFile, PRIVATE_FILE_MODE, PRIVATE_DIRECTORY_MODE } from './sqlite/sqlite-file.js';
export {
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store.js';
export * from './event-store.config.js';
export { EventStoreModule, EVENT_STORE_CONFIG } from './event-store.module.js';
export { MeteredEventStore, openMeteredEventStore, type AppendMeter, type AppendOutcome } from './metered-event-store.js';
export { SqliteLogPages, type SqliteLogPagesOptions } from './sqlite/sqlite-log-pages.reader.js';
