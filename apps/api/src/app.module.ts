import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { join } from 'node:path';
import { EventStoreModule, type EventStore } from '@app/event-store';
import { AccessModule, OidcVerifier } from '@app/access';
import { ProgrammeModule } from '@app/programme';
import { ReportingModule } from '@app/reporting';
import type { ApiConfig } from './api.config.js';
import { HistoryController } from './audit/history.controller.js';
import { ReportsController } from './audit/reports.controller.js';
import { FunderReportController } from './audit/funder-report.controller.js';
import { DEFAULT_READY_MAX_LAG, HealthController, READY_MAX_LAG } from './health/health.controller.js';
import { LedgerMetrics } from './metrics/ledger-metrics.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { METRICS_ENDPOINT, MetricsListener, metricsEndpointOf } from './metrics/metrics-listener.js';
import { AccessGuard, OIDC_VERIFIER } from './http/access.guard.js';
import { RATE_LIMITER, RateLimiter } from './http/rate-limiter.js';
import { AccessController } from './access/access.controller.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { ImportsController } from './imports/imports.controller.js';
import { ImportService } from './imports/import.service.js';
import { EtagInterceptor } from './http/etag.interceptor.js';
import { IDEMPOTENCY_STORE, IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import { DEFAULT_IDEMPOTENCY_TTL_HOURS, IdempotencyStore } from './http/idempotency.store.js';
import { ActivitiesController } from './programme/activities.controller.js';
import { OrganisationsController } from './programme/organisations.controller.js';
import { ParticipantsController } from './programme/participants.controller.js';
import { ProjectsController } from './programme/projects.controller.js';
import { RecordsController } from './programme/records.controller.js';
import { IndicatorsController } from './reporting/indicators.controller.js';
import { StateAidController } from './state-aid/state-aid.controller.js';
import { ListsController } from './reporting/lists.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, store: EventStore): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventStoreModule.forRoot(config.eventStore, store),
        ProgrammeModule.forRoot({ keyStoreFile: join(config.dataDir, 'keys.sqlite'), deMinimisCeilingEur: config.deMinimisCeilingEur }),
        AccessModule.forRoot({ adminToken: config.adminToken, serverKeyFile: join(config.dataDir, 'server.key'), clock: config.clock }),
        ReportingModule.forRoot({
          file: join(config.dataDir, 'reporting.sqlite'),
          minPositionTimeoutMs: config.minPositionTimeoutMs,
          counting: config.counting,
        }),
        DashboardModule,
      ],
      controllers: [
        HealthController,
        MetricsController,
        ProjectsController,
        OrganisationsController,
        ParticipantsController,
        ActivitiesController,
        RecordsController,
        IndicatorsController,
        ListsController,
        HistoryController,
        ReportsController,
        FunderReportController,
        AccessController,
        StateAidController,
        ImportsController,
      ],
      providers: [
        { provide: OIDC_VERIFIER, useValue: config.oidc ? new OidcVerifier(config.oidc) : null },
        { provide: RATE_LIMITER, useValue: new RateLimiter(config.rateLimitPerMinute ?? 1_200) },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: IDEMPOTENCY_STORE, useFactory: () => IdempotencyStore.open(join(config.dataDir, 'service.sqlite'), { ttlHours: config.idempotencyTtlHours ?? DEFAULT_IDEMPOTENCY_TTL_HOURS, clock: config.clock }) },
        { provide: READY_MAX_LAG, useValue: config.readyMaxLag ?? DEFAULT_READY_MAX_LAG },
        EtagInterceptor,
        IdempotencyInterceptor,
        ImportService,
        { provide: METRICS_ENDPOINT, useValue: metricsEndpointOf(config) },
        LedgerMetrics,
        MetricsListener,
      ],
    };
  }
}
