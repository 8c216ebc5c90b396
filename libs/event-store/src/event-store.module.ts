import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStoreConfig } from './event-store.config.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { MeteredEventStore, openMeteredEventStore } from './metered-event-store.js';

export const EVENT_STORE_CONFIG = Symbol.for('programme-ledger.EventStoreConfig');

class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Provides the configured `EventStore` under `EVENT_STORE` to the whole application, and closes it. Every
 * module gets it metered (`MeteredEventStore`, also injectable by its class), so /metrics counts appends
 * on either adapter.
 */
@Module({})
export class EventStoreModule {
  /** Pass an already opened store to have start-up fail on a bad store file before the app is wired. */
  static forRoot(config: EventStoreConfig, store?: EventStore): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE_CONFIG, useValue: config },
        {
          provide: MeteredEventStore,
          useFactory: () => (store instanceof MeteredEventStore ? store : store ? new MeteredEventStore(store) : openMeteredEventStore(config)),
        },
        { provide: EVENT_STORE, useExisting: MeteredEventStore },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE, EVENT_STORE_CONFIG, MeteredEventStore],
    };
  }
}
