/**
 * The event store of a child process in a crash test: the EventStoreDB adapter when the parent passes
 * EVENTSTORE_CONNECTION_STRING (its test server), else the embedded store in the data directory.
 */
import { join } from 'node:path';
import { EventStoreDbEventStore, SqliteEventStore, type EventStore } from '@app/event-store';

export function openChildEventStore(dir: string): EventStore {
  const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
  return connectionString ? new EventStoreDbEventStore({ connectionString }) : SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
}
