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
  static forRoot(config: EventStoreConfig): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE_CONFIG, useValue: config },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE, EVENT_STORE_CONFIG],
    };
  }
}
