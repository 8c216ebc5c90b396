import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openEventStore, type EventStoreConfig } from './event-store.config.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';

export const EVENT_STORE_CONFIG = Symbol.for('programme-ledger.EventStoreConfig');

class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the configured `EventStore` under `EVENT_STORE` to the whole application, and closes it. */
@Module({})
export class EventStoreModule {
  /** Pass an already opened store to have start-up fail on a bad store file before the app is wired. */
  static forRoot(config: EventStoreConfig, store?: EventStore): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE_CONFIG, useValue: config },
        store ? { provide: EVENT_STORE, useValue: store } : { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE, EVENT_STORE_CONFIG],
    };
  }
}
