import { Module, type DynamicModule } from '@nestjs/common';
import { EventStoreModule } from '@app/event-store';
import type { ApiConfig } from './api.config.js';
import { HealthController } from './health/health.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [EventStoreModule.forRoot(config.eventStore)],
      controllers: [HealthController],
    };
  }
}
