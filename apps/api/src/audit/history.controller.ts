import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { assertValidStreamName, EVENT_STORE, StreamNotFoundError, type EventFilter, type EventStore } from '@app/event-store';
import { NotFound, PERSONAL_DATA_VAULT, PersonalDataVault } from '@app/programme';
import { ProgrammeLists, ProjectAudit, ReadModels } from '@app/reporting';
import { historyEvent } from './audit-event.presenter.js';
import { IdParam } from '../programme/id.param.js';
import { ReadRoute } from '../programme/api-docs.decorators.js';
import { GlobalLogQueryDto, StreamEventsQueryDto } from './audit-query.dto.js';
import { LogPageDto, ProjectHistoryPageDto, StreamEventsPageDto } from './history.responses.dto.js';
import { Access } from '../http/access.decorator.js';

/**
 * History for auditors: one entity's events, the global log, and everything recorded under a project, each
 * event with who recorded it, when, under which request and command, and why where a reason was given.
 */
@ApiTags('audit')
@Controller('api')
export class HistoryController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly lists: ProgrammeLists,
    private readonly audit: ProjectAudit,
    @Inject(PERSONAL_DATA_VAULT) vault: PersonalDataVault,
  ) {
    this.shown = historyEvent(vault);
  }

  /** Every caller of these routes may see personal data (records:read or log:read): reasons are shown in words. */
  private readonly shown: ReturnType<typeof historyEvent>;

  @Get('streams/:streamName/events')
  @Access('log:read')
  @ReadRoute()
  @ApiOkResponse({ type: StreamEventsPageDto, description: "One entity's history, oldest first, paged by revision" })
  async stream(@Param('streamName') streamName: string, @Query() query: StreamEventsQueryDto) {
    assertValidStreamName(streamName);
    const limit = query.limit ?? 100;
    const fromRevision = query.fromRevision ?? 0;
    let events;
    try {
      events = await this.store.readStream(streamName, { fromRevision, maxCount: limit + 1 });
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new NotFoundException(`There is no stream ${streamName}`);
      throw error;
    }
    const page = events.slice(0, limit);
    return {
      streamName,
      events: page.map(this.shown),
      next: events.length > limit ? { fromRevision: page[page.length - 1].revision + 1 } : null,
    };
  }

  @Get('events')
  @Access('log:read')
  @ReadRoute({ notFound: false })
  @ApiOkResponse({ type: LogPageDto, description: 'The global log in order, paged by position; filter by event type and stream or category' })
  async log(@Query() query: GlobalLogQueryDto) {
    const limit = query.limit ?? 100;
    const filter: EventFilter | undefined = query.stream
      ? { kind: 'streamNamePrefix', prefixes: [query.stream.includes('-') ? query.stream : `${query.stream}-`] }
      : query.type
        ? { kind: 'eventTypePrefix', prefixes: [query.type] }
        : undefined;
    const events = await this.store.readAll({ ...(query.after === undefined ? {} : { afterPosition: query.after }), maxCount: limit, filter });
    // The store filters by prefix; a stream name or type is matched whole here.
    const exact = events.filter(
      (event) =>
        (!query.type || event.type === query.type) &&
        (!query.stream || !query.stream.includes('-') || event.streamName === query.stream),
    );
    return {
      events: exact.map(this.shown),
      next: events.length === limit ? { after: events[events.length - 1].position } : null,
    };
  }

  @Get('projects/:id/history')
  @Access('records:read', 'project')
  @ReadRoute()
  @ApiOkResponse({
    type: ProjectHistoryPageDto,
    description:
      "Every event recorded under a project (its own and its entities' streams), in log order, paged by position (`next.after`); " +
      'filter by event type and by stream or category',
  })
  async project(@IdParam() projectId: string, @Query() query: GlobalLogQueryDto) {
    await this.readModels.ready('all', query.minPosition);
    if (!this.lists.projectExists(projectId)) throw new NotFound('Project', projectId);
    const { events, next } = await this.audit.log.historyPage(projectId, {
      after: query.after,
      limit: query.limit ?? 100,
      type: query.type,
      stream: query.stream,
    });
    return { projectId, events: events.map(this.shown), next };
  }
}
