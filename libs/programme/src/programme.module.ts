import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { activityHandlers } from './activity/activity.handlers.js';
import { EntityReader } from './entity.reader.js';
import { organisationHandlers } from './organisation/organisation.handlers.js';
import { outcomeHandlers } from './outcome/outcome.handlers.js';
import { participantHandlers, PERSONAL_DATA_VAULT } from './participant/participant.handlers.js';
import { PersonalDataVault } from './participant/personal-data.vault.js';
import { pilotCaseHandlers } from './pilot-case/pilot-case.handlers.js';
import { projectHandlers } from './project/project.handlers.js';
import { AggregateStore } from './shared/aggregate-store.js';
import { FactsReader } from './shared/facts.reader.js';
import { reportHandlers } from './report/report.handlers.js';
import { supportHandlers } from './support/support.handlers.js';
import { DE_MINIMIS_CEILING_EUR, DeMinimisLedger } from './state-aid/de-minimis.ledger.js';
import { DeMinimisReader } from './state-aid/de-minimis.reader.js';
import { DEFAULT_DE_MINIMIS_CEILING_EUR } from './state-aid/de-minimis.rules.js';
import { stateAidHandlers } from './state-aid/state-aid.handlers.js';

export interface ProgrammeModuleOptions {
  /** The personal-data key store: its own SQLite file, outside the event log. */
  keyStoreFile: string;
  /** The de minimis ceiling per single undertaking over three years (LEDGER_DE_MINIMIS_CEILING_EUR). */
  deMinimisCeilingEur?: number;
}

class VaultLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault) {}

  onApplicationShutdown(): void {
    this.vault.close();
  }
}

@Module({})
export class ProgrammeModule {
  static forRoot(options: ProgrammeModuleOptions): DynamicModule {
    return {
      module: ProgrammeModule,
      // Global: other contexts (access control) write through the same AggregateStore.
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        AggregateStore,
        FactsReader,
        EntityReader,
        { provide: PERSONAL_DATA_VAULT, useFactory: () => PersonalDataVault.open(options.keyStoreFile) },
        VaultLifecycle,
        ...projectHandlers,
        ...organisationHandlers,
        ...participantHandlers,
        ...activityHandlers,
        ...supportHandlers,
        ...pilotCaseHandlers,
        ...outcomeHandlers,
        ...reportHandlers,
        { provide: DE_MINIMIS_CEILING_EUR, useValue: options.deMinimisCeilingEur ?? DEFAULT_DE_MINIMIS_CEILING_EUR },
        DeMinimisLedger,
        DeMinimisReader,
        ...stateAidHandlers,
      ],
      exports: [EntityReader, AggregateStore, CqrsModule, PERSONAL_DATA_VAULT, DeMinimisReader],
    };
  }
}
