import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import type Database from 'better-sqlite3';
import { DEFAULT_COUNTING, IndicatorCalculator, type CountingOptions } from './indicators/indicator.calculator.js';
import { ProjectAudit } from './audit/project-audit.js';
import { ProgrammeLists } from './lists/programme-lists.queries.js';
import { ProjectionEngine } from './projection-engine.js';
import { PROJECTIONS } from './projections/index.js';
import { openReadModelDatabase } from './read-model.database.js';
import { ReadModels } from './read-models.js';

export interface ReportingOptions {
  /** The read models' SQLite file. */
  file: string;
  counting?: CountingOptions;
  /** How long a query with `minPosition` waits for the read models to catch up. */
  minPositionTimeoutMs?: number;
}

export const READ_MODEL_DATABASE = Symbol.for('programme-ledger.ReadModelDatabase');

const logger = new Logger('Projections');

@Injectable()
class EngineLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly engine: ProjectionEngine,
    private readonly calculator: IndicatorCalculator,
    @Inject(READ_MODEL_DATABASE) private readonly db: Database.Database,
  ) {}

  onApplicationBootstrap(): void {
    this.engine.start();
    // The indicators' index loads in slices from now (not in the first answer, which blocked the service for
    // seconds), and again after a rebuild swaps tables in; /health/ready answers 503 until it is loaded.
    const load = () => void this.calculator.loadIndex().catch((error: Error) => logger.error(`Loading the indicators' index failed: ${error.message}`));
    this.engine.onSwap(load);
    load();
  }

  async onModuleDestroy(): Promise<void> {
    this.calculator.stop();
    await this.engine.stop();
    this.db.close();
  }
}

/** The projections running inside the service, and the queries over their read models. */
@Module({})
export class ReportingModule {
  static forRoot(options: ReportingOptions): DynamicModule {
    return {
      module: ReportingModule,
      providers: [
        { provide: READ_MODEL_DATABASE, useFactory: () => openReadModelDatabase(options.file) },
        {
          provide: ProjectionEngine,
          inject: [EVENT_STORE, READ_MODEL_DATABASE],
          useFactory: (store: EventStore, db: Database.Database) =>
            new ProjectionEngine(store, db, PROJECTIONS, () => openReadModelDatabase(options.file), logger),
        },
        {
          provide: ReadModels,
          inject: [READ_MODEL_DATABASE, ProjectionEngine],
          useFactory: (db: Database.Database, engine: ProjectionEngine) =>
            new ReadModels(db, engine, options.minPositionTimeoutMs ?? 5_000),
        },
        {
          provide: IndicatorCalculator,
          inject: [READ_MODEL_DATABASE],
          useFactory: (db: Database.Database) => new IndicatorCalculator(db, options.counting ?? DEFAULT_COUNTING),
        },
        { provide: ProgrammeLists, inject: [READ_MODEL_DATABASE], useFactory: (db: Database.Database) => new ProgrammeLists(db) },
        {
          provide: ProjectAudit,
          inject: [EVENT_STORE, READ_MODEL_DATABASE],
          useFactory: (store: EventStore, db: Database.Database) => new ProjectAudit(store, db, options.counting ?? DEFAULT_COUNTING),
        },
        EngineLifecycle,
      ],
      exports: [ProjectionEngine, ReadModels, IndicatorCalculator, ProgrammeLists, ProjectAudit, READ_MODEL_DATABASE],
    };
  }
}
