import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { GrantAccessCommand } from './access.commands.js';
import { accessHandlers } from './access.handlers.js';
import { ServerKey } from './access-token.secret.js';
import { AccessRegistry } from './access.registry.js';

export interface AccessOptions {
  /** LEDGER_ADMIN_TOKEN: the first admin's token on a store without any grant; a new one is printed when absent. */
  adminToken?: string;
  /** The service's own secret (`server.key` in the data directory), created owner-only on the first start. */
  serverKeyFile: string;
  clock?: () => Date;
}

const ACCESS_OPTIONS = Symbol.for('programme-ledger.AccessOptions');
export const FIRST_START_ACTOR = 'system:first-start';

@Injectable()
class RegistryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly registry: AccessRegistry,
    private readonly commands: CommandBus,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.start(() => this.firstAdmin());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.registry.stop();
  }

  /** On a store without any grant, someone must be able to grant the rest: the first admin token. */
  private async firstAdmin(): Promise<void> {
    if (!this.registry.empty) return;
    const correlationId = randomUUID();
    const context = { actor: FIRST_START_ACTOR, correlationId, causationId: correlationId, now: (this.options.clock ?? (() => new Date()))(), newEntityId: randomUUID };
    try {
      const { id, token } = await this.commands.execute(
        new GrantAccessCommand({ name: 'First administrator', role: 'admin' }, context, this.options.adminToken),
      );
      if (this.options.adminToken) {
        this.logger.log(`No access had been granted yet: created the first admin token (id ${id}) from LEDGER_ADMIN_TOKEN`);
      } else {
        // Shown once, at the one moment nobody else can hold a token; grant others and revoke this one.
        this.logger.warn(
          `No access had been granted yet: created the first admin token (id ${id}). It is shown this once: ${token}`,
        );
      }
    } catch (error) {
      this.logger.error(`Could not create the first admin token: ${(error as Error).message}`);
    }
  }
}

/** Who may do what: tokens granted and revoked as events, and the registry the guard asks. Needs ProgrammeModule (global). */
@Module({})
export class AccessModule {
  static forRoot(options: AccessOptions): DynamicModule {
    return {
      module: AccessModule,
      providers: [
        { provide: ACCESS_OPTIONS, useValue: options },
        { provide: ServerKey, useFactory: () => ServerKey.open(options.serverKeyFile) },
        { provide: AccessRegistry, inject: [EVENT_STORE, ServerKey], useFactory: (store: EventStore, key: ServerKey) => new AccessRegistry(store, key) },
        RegistryLifecycle,
        ...accessHandlers,
      ],
      exports: [AccessRegistry],
    };
  }
}
