export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './stream-name.js';
export { prepareEvents, assertValidExpectedRevision } from './new-event.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
export {
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store.js';
export * from './event-store.config.js';
export { EventStoreModule, EVENT_STORE_CONFIG } from './event-store.module.js';
