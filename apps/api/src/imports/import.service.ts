import { createHash } from 'node:crypto';
import { BadRequestException, HttpException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EVENT_STORE, StreamNotFoundError, streamName, type EventStore, type RecordedEvent } from '@app/event-store';
import {
  activityDecider,
  AggregateStore,
  AlreadyExists,
  derivedUuid,
  EntityReader,
  NotFound,
  organisationDecider,
  organisationNumberDecider,
  participantDecider,
  PERSONAL_DATA_VAULT,
  PersonalDataVault,
  readOrganisationNumber,
  RecordAttendanceCommand,
  RegisterOrganisationCommand,
  RegisterParticipantCommand,
  RuleViolation,
  type ActivityState,
  type CommandContext,
  type ProjectFacts,
} from '@app/programme';
import { ProgrammeLists, ReadModels } from '@app/reporting';
import { RecordAttendanceDto } from '../programme/activities.controller.js';
import { RegisterOrganisationDto } from '../programme/organisations.controller.js';
import { RegisterParticipantDto } from '../programme/participants.controller.js';
import { COLUMNS, folded, mapColumns, rowObject, type ImportKind, type RowProblem } from './import-columns.js';
import { importLogDecider, MAX_LOGGED_ERRORS, type ImportOutcome } from './import.decider.js';
import { readImportTable } from './import-table.js';

export type OnError = 'refuse' | 'skip';

export interface ImportRequest {
  projectId: string;
  kind: ImportKind;
  activityId?: string;
  file: Buffer;
  dryRun: boolean;
  onError: OnError;
}

/** How an import answered: 200 (a dry run, or the first outcome of the same file), 201 (recorded now), 422 (refused). */
export interface ImportAnswer {
  status: 200 | 201 | 422;
  report: ImportReport;
}

/**
 * An import's report as answered. A dry run of a file already applied answers that import's outcome, as applying
 * it again would, marked `alreadyApplied` with when it was applied: its rows are not checked again (they are
 * recorded; applying again records nothing), so nothing in it is today's check.
 */
export type ImportReport = ImportOutcome & { alreadyApplied?: true; appliedAt?: string };

export interface ImportProgress {
  done: number;
  total: number;
}

/** One applied import as listed: its outcome without the rows' problems, with who applied it and when. */
export type ImportListing = Omit<ImportOutcome, 'errors' | 'errorsSha256'> & { actor: string; recordedAt: string };

/** A row that passed every check: what its command needs. */
interface PlannedRow {
  row: number;
  id: string;
  values: Record<string, unknown>;
  /** Recorded by an interrupted run of this import (the id is this row's): counted, never registered or keyed again. */
  recordedBefore?: boolean;
}

/** How many rows are recorded at once: concurrent appends on different streams share the store's group commit. */
const APPLY_CONCURRENCY = 32;

/** A sealed person is never looked at by the participant decider: a dry run decides with this placeholder, sealing nothing. */
const UNSEALED = { keyId: 'dry-run', algorithm: 'AES-256-GCM' as const, iv: '', ciphertext: '', tag: '' };

/** Country names people type instead of ISO codes, for the countries this ledger's programmes cover. */
const COUNTRY_NAMES: Record<string, string> = {
  sverige: 'SE', sweden: 'SE', norge: 'NO', norway: 'NO', danmark: 'DK', denmark: 'DK', finland: 'FI', suomi: 'FI',
  island: 'IS', iceland: 'IS', tyskland: 'DE', germany: 'DE', polen: 'PL', poland: 'PL', estland: 'EE', estonia: 'EE',
  lettland: 'LV', latvia: 'LV', litauen: 'LT', lithuania: 'LT',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Spreadsheet imports: every row is checked by the same request DTO rules and the same decider as a single
 * request, duplicates inside the file and against the ledger are found, and only then is anything recorded,
 * row by row through the ordinary command handlers. Each row has an id and an idempotency key derived from the
 * import (project, kind and the file's SHA-256) and its row number, so an import interrupted half-way and sent
 * again records every row exactly once, and an applied import sent again answers its first outcome.
 */
@Injectable()
export class ImportService {
  /**
   * Test seam: called after each row is recorded. A test throws here to interrupt an import half-way, as a crash
   * would, and then sends the same file again.
   */
  afterRowRecorded?: (row: number) => void;

  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: AggregateStore,
    private readonly entities: EntityReader,
    private readonly lists: ProgrammeLists,
    private readonly readModels: ReadModels,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async list(projectId: string): Promise<ImportListing[]> {
    await this.entities.project(projectId);
    return (await this.loggedImports(projectId)).map(({ outcome, event }) => {
      const { errors: _errors, errorsSha256: _digest, ...listed } = outcome;
      const meta = event.metadata as { actor?: string; recordedAt?: string };
      return { ...listed, actor: meta.actor ?? 'unknown', recordedAt: meta.recordedAt ?? '' };
    });
  }

  async run(request: ImportRequest, context: CommandContext, onProgress?: (progress: ImportProgress) => void): Promise<ImportAnswer> {
    const { projectId, kind, activityId, file, dryRun, onError } = request;
    const project = await this.projectFacts(projectId);
    let activity: ActivityState | undefined;
    if (kind === 'attendance') {
      if (activityId === undefined) throw new BadRequestException('activityId is required for an attendance import');
      activity = (await this.aggregates.load(activityDecider, streamName('activity', activityId))).state;
      if (activity.status === 'none' || activity.projectId !== projectId) {
        throw new NotFoundException(`Activity ${activityId} does not exist in project ${projectId}`);
      }
    } else if (activityId !== undefined) throw new BadRequestException(`activityId belongs to an attendance import, not a ${kind} import`);

    const fileSha256 = createHash('sha256').update(file).digest('hex');
    const importId = derivedUuid('import', projectId, kind, activityId ?? '', fileSha256);
    const earlier = await this.earlier(projectId, importId);
    if (earlier) return { status: 200, report: dryRun ? { ...earlier.outcome, alreadyApplied: true, appliedAt: earlier.appliedAt } : earlier.outcome };

    const table = await readImportTable(file);
    const columns = mapColumns(kind, table.headers);
    // A rule about a whole nested object (`person` missing) speaks of its first column in the file (Namn).
    const header = (field: string) =>
      columns.get(field)?.header ??
      COLUMNS[kind]
        .filter((spec) => spec.field.startsWith(`${field}.`))
        .map((spec) => columns.get(spec.field)?.header)
        .find((found) => found !== undefined) ??
      null;
    const problems: RowProblem[] = [];
    const planned: PlannedRow[] = [];
    const matched = new Set<number>();
    const today = context.now.toISOString().slice(0, 10);
    // In-memory only, for this request: e-mails of the project's participants, decrypted with their own keys.
    const { byEmail, ids: participantIds } = kind === 'organisations' ? { byEmail: new Map<string, string>(), ids: new Set<string>() } : await this.participantsByEmail(projectId);
    const seen = new Map<string, number>();
    const ownRows = kind === 'attendance' ? await this.rowsAlreadyRecorded(streamName('activity', activityId!), importId) : new Set<number>();

    for (const row of table.rows) {
      // The same file gives the same ids: a row recorded by an interrupted run of this import is found as its own.
      const id = derivedUuid('import-row', importId, String(row.row));
      const rowProblems: RowProblem[] = [];
      const { values, problems: cellProblems } = rowObject(kind, columns, row);
      rowProblems.push(...cellProblems);
      // Every column's problem is named, once: a cell that could not be read is not judged again by the DTO's rules.
      const problem = (field: string | null, rule: string) => {
        const column = field === null ? null : header(field);
        if (column === null || !rowProblems.some((p) => p.column === column)) rowProblems.push({ row: row.row, column, rule });
      };
      {
        try {
          switch (kind) {
            case 'participants': {
              const organisation = values.organisation as string | undefined;
              delete values.organisation;
              if (organisation !== undefined) {
                const organisationId = await this.organisationOf(organisation, project);
                if (organisationId === undefined) problem('organisation', 'names no organisation of the ledger (give its organisation number or id)');
                else values.organisationId = organisationId;
              }
              for (const error of checked(RegisterParticipantDto, values)) problem(error.field, error.rule);
              if (rowProblems.length > 0) break;
              const email = (values.person as { email?: string }).email;
              const key = email === undefined ? undefined : email.toLowerCase();
              if (key !== undefined && seen.has(key)) {
                problem('person.email', `the same e-mail as row ${seen.get(key)}`);
                break;
              }
              if (key !== undefined) seen.set(key, row.row);
              const existing = key === undefined ? undefined : byEmail.get(key);
              if (existing !== undefined && existing !== id) {
                matched.add(row.row);
                break;
              }
              const { person: _, registeredOn, ...profile } = values as Omit<RegisterParticipantDto, 'id'>;
              participantDecider.decide(
                {
                  type: 'RegisterParticipant',
                  data: { participantId: id, projectId, person: UNSEALED, ...profile, registeredOn: registeredOn ?? today },
                  project,
                  today,
                },
                participantDecider.initialState(),
              );
              break;
            }
            case 'organisations': {
              if (typeof values.country === 'string') values.country = COUNTRY_NAMES[folded(values.country)] ?? values.country.toUpperCase();
              for (const error of checked(RegisterOrganisationDto, values)) problem(error.field, error.rule);
              if (rowProblems.length > 0) break;
              const details = values as Omit<RegisterOrganisationDto, 'id'>;
              organisationDecider.decide(
                { type: 'RegisterOrganisation', data: { organisationId: id, ...details }, currentYear: context.now.getUTCFullYear() },
                organisationDecider.initialState(),
              );
              if (details.organisationNumber === undefined) break;
              const number = readOrganisationNumber(details.country, details.organisationNumber);
              if ('problem' in number) break;
              const key = `${details.country}:${number.key}`;
              if (seen.has(key)) {
                problem('organisationNumber', `the same organisation number as row ${seen.get(key)}`);
                break;
              }
              seen.set(key, row.row);
              const claim = (await this.aggregates.load(organisationNumberDecider, streamName('organisationNumber', number.key))).state;
              if (claim.status === 'claimed' && claim.organisationId !== id) matched.add(row.row);
              break;
            }
            case 'attendance': {
              const email = values.email as string | undefined;
              delete values.email;
              if (values.participantId === undefined && email !== undefined) {
                const participantId = byEmail.get(email.toLowerCase());
                if (participantId === undefined) problem('email', 'no participant of the project has this e-mail');
                else values.participantId = participantId;
              } else if (values.participantId === undefined) problem('participantId', 'give the participant: their e-mail or participant id');
              if (rowProblems.length > 0) break;
              if (typeof values.participantId === 'string') values.participantId = values.participantId.toLowerCase();
              for (const error of checked(RecordAttendanceDto, values)) problem(error.field === 'participantId' && email !== undefined ? 'email' : error.field, error.rule);
              if (rowProblems.length > 0) break;
              const { participantId, date } = values as { participantId: string; date: string };
              const key = `${participantId} ${date}`;
              const who = columns.has('participantId') ? 'participantId' : 'email';
              if (seen.has(key)) {
                problem(who, `the same participant and date as row ${seen.get(key)}`);
                break;
              }
              seen.set(key, row.row);
              if (ownRows.has(row.row)) break;
              const participant = (await this.aggregates.load(participantDecider, streamName('participant', participantId))).state;
              if (participant.status === 'none') {
                problem(who, 'names no participant of the ledger');
                break;
              }
              try {
                activityDecider.decide(
                  {
                    type: 'RecordAttendance',
                    data: { activityId: activityId!, participantId, date },
                    participant: { participantId, projectId: participant.projectId, role: participant.role },
                    project,
                    today,
                  },
                  activity!,
                );
              } catch (error) {
                if (error instanceof RuleViolation && /participant/i.test(ruleOf(error)) && !/date/i.test(ruleOf(error))) problem(who, ruleOf(error));
                else throw error;
              }
              break;
            }
            default:
              return kind satisfies never;
          }
        } catch (error) {
          if (!(error instanceof RuleViolation || error instanceof NotFound || error instanceof AlreadyExists)) throw error;
          problem(ruleColumn(kind, ruleOf(error)), ruleOf(error));
        }
      }
      if (rowProblems.length > 0) problems.push(...rowProblems);
      else if (!matched.has(row.row)) planned.push({ row: row.row, id, values, ...(kind === 'participants' && participantIds.has(id) ? { recordedBefore: true } : {}) });
    }

    // As a person reads the sheet: by row, then left to right (a problem of the whole row last).
    const position = new Map(table.headers.map((name, index) => [name, index]));
    const inFileOrder = (a: RowProblem, b: RowProblem) =>
      a.row - b.row || (a.column === null ? Infinity : position.get(a.column)!) - (b.column === null ? Infinity : position.get(b.column)!) || 0;
    problems.sort(inFileOrder);
    const invalid = new Set(problems.map((p) => p.row)).size;
    const report: ImportOutcome = {
      importId,
      kind,
      ...(activityId !== undefined ? { activityId } : {}),
      fileSha256,
      rows: table.rows.length,
      valid: table.rows.length - invalid,
      invalid,
      recorded: 0,
      skipped: 0,
      matched: matched.size,
      errors: problems,
      ...digestOf(problems),
    };
    if (dryRun) return { status: 200, report };
    if (invalid > 0 && onError === 'refuse') return { status: 422, report };

    report.skipped = invalid;
    report.recorded = await this.apply(request, importId, planned, context, problems, onProgress);
    report.valid = table.rows.length - new Set(problems.map((p) => p.row)).size;
    report.invalid = table.rows.length - report.valid;
    report.errors.sort(inFileOrder);
    Object.assign(report, digestOf(report.errors));
    await this.aggregates.handle(
      importLogDecider,
      { category: 'projectImports', id: projectId },
      'RecordImport',
      { ...context, ifMatch: undefined, idempotencyKey: derivedUuid('import-log', importId) },
      () => ({ type: 'RecordImport' as const, data: { ...report, errors: report.errors.slice(0, MAX_LOGGED_ERRORS), projectId } }),
    );
    return { status: 201, report };
  }

  /** Records the planned rows through the command handlers; a row the store refuses now (a race) joins the problems. */
  private async apply(
    { projectId, kind, activityId }: ImportRequest,
    importId: string,
    planned: PlannedRow[],
    context: CommandContext,
    problems: RowProblem[],
    onProgress?: (progress: ImportProgress) => void,
  ): Promise<number> {
    let recorded = 0;
    let done = 0;
    // After a failure no further row starts: the import is interrupted as a whole, and sending it again resumes it.
    let failed = false;
    const one = async ({ row, id, values, recordedBefore }: PlannedRow) => {
      const rowContext: CommandContext = {
        ...context,
        ifMatch: undefined,
        causationId: importId,
        idempotencyKey: derivedUuid('import-row-key', importId, String(row)),
        importOrigin: { importId, row },
        newEntityId: () => id,
      };
      try {
        switch (kind) {
          case 'participants': {
            // Erased since the interruption, its key is gone: registering again would make a fresh key for them.
            if (recordedBefore) break;
            const { id: _, ...input } = values as unknown as RegisterParticipantDto;
            await this.commands.execute(new RegisterParticipantCommand(id, { ...input, projectId }, rowContext));
            break;
          }
          case 'organisations': {
            // The organisation handler decides once before its idempotent append (to claim the number only for a
            // registration that will be made), so an interrupted run's rows are recognised here: the id is this row's.
            if ((await this.aggregates.load(organisationDecider, streamName('organisation', id))).state.status !== 'none') break;
            const { id: _, ...input } = values as unknown as RegisterOrganisationDto;
            await this.commands.execute(new RegisterOrganisationCommand(id, input, rowContext));
            break;
          }
          case 'attendance':
            await this.commands.execute(new RecordAttendanceCommand(activityId!, values as unknown as RecordAttendanceDto, rowContext));
            break;
          default:
            return kind satisfies never;
        }
        recorded++;
      } catch (error) {
        if (!(error instanceof RuleViolation || error instanceof NotFound || error instanceof AlreadyExists)) throw error;
        problems.push({ row, column: null, rule: ruleOf(error) });
        // A refused registration leaves nothing behind: not even the key made for it in advance.
        if (kind === 'participants' && (await this.aggregates.load(participantDecider, streamName('participant', id))).state.status === 'none') {
          this.vault.destroy(id);
        }
      }
      done++;
      onProgress?.({ done, total: planned.length });
      this.afterRowRecorded?.(row);
    };
    // One durable write for every person's key rather than one each (the handler then finds the key made).
    if (kind === 'participants') this.vault.createKeys(planned.filter((p) => !p.recordedBefore).map(({ id }) => id));
    // Attendance goes to one stream, where commands take turns anyway: one at a time, in the file's order.
    const width = kind === 'attendance' ? 1 : APPLY_CONCURRENCY;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(width, planned.length) }, async () => {
        while (next < planned.length && !failed) {
          try {
            await one(planned[next++]);
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }),
    );
    return recorded;
  }

  private async projectFacts(projectId: string): Promise<ProjectFacts> {
    const { entity } = await this.entities.project(projectId);
    const { startDate, endDate, countries, followUpMonths } = entity;
    return { projectId, startDate, endDate, countries, followUpMonths };
  }

  /** The outcome logged when this import was applied, and when: the same file is the same import. */
  private async earlier(projectId: string, importId: string): Promise<{ outcome: ImportOutcome; appliedAt: string } | undefined> {
    const found = (await this.loggedImports(projectId)).find(({ outcome }) => outcome.importId === importId);
    if (!found) return undefined;
    return { outcome: found.outcome, appliedAt: (found.event.metadata as { recordedAt?: string }).recordedAt || found.event.recordedAt };
  }

  /**
   * The project's logged import outcomes, oldest first. Outcomes logged before counts and digests were kept held
   * every problem: their count and digest are computed from them, as for a new import.
   */
  private async loggedImports(projectId: string): Promise<Array<{ outcome: ImportOutcome; event: RecordedEvent }>> {
    try {
      const events = await this.store.readStream(streamName('projectImports', projectId));
      return events.map((event) => {
        const { projectId: _, ...logged } = event.data as ImportOutcome & { projectId: string };
        return { outcome: logged.errorsSha256 === undefined ? { ...logged, ...digestOf(logged.errors) } : logged, event };
      });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /**
   * The project's participants by e-mail (lower case), decrypted with each person's own key for this request
   * only: no e-mail index is ever stored, so an erased person (key destroyed) is no longer found either.
   */
  private async participantsByEmail(projectId: string): Promise<{ byEmail: Map<string, string>; ids: Set<string> }> {
    const [head] = await this.store.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    await this.readModels.ready(['participants'], head?.position);
    const { items } = this.lists.participants(projectId, {}, { limit: Number.MAX_SAFE_INTEGER, offset: 0 });
    const byEmail = new Map<string, string>();
    const ids = new Set<string>();
    for (const item of items) {
      ids.add((item as unknown as { id: string }).id);
      if (item.erased) continue;
      const email = this.vault.unseal(item.sealedPerson)?.email;
      if (email) byEmail.set(email.toLowerCase(), (item as unknown as { id: string }).id);
    }
    return { byEmail, ids };
  }

  /** Rows of this import already on the activity's stream (an interrupted run of it): replayed, not decided again. */
  private async rowsAlreadyRecorded(stream: string, importId: string): Promise<Set<number>> {
    try {
      const events = await this.store.readStream(stream);
      return new Set(events.flatMap(({ metadata }) => ((metadata as { importId?: string }).importId === importId ? [(metadata as unknown as { importRow: number }).importRow] : [])));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return new Set();
      throw error;
    }
  }

  /** An organisation column holds a ledger id, or an organisation number of one of the project's countries. */
  private async organisationOf(text: string, project: ProjectFacts): Promise<string | undefined> {
    if (UUID.test(text)) {
      const { state } = await this.aggregates.load(organisationDecider, streamName('organisation', text.toLowerCase()));
      return state.status === 'none' ? undefined : text.toLowerCase();
    }
    for (const country of new Set([...project.countries, 'SE'])) {
      const number = readOrganisationNumber(country, text);
      if ('problem' in number) continue;
      const { state } = await this.aggregates.load(organisationNumberDecider, streamName('organisationNumber', number.key));
      if (state.status === 'claimed') return state.organisationId;
    }
    return undefined;
  }
}

/**
 * Constraints whose message shows the sender their value, by name, with the same rule without it. The organisation
 * number's validator answers with the number as read (a check digit's refusal); its reading states the rule apart.
 * Every other constraint of the imported DTOs names the field and the rule only.
 */
const RULE_APART: Record<string, (error: ValidationError) => string | undefined> = {
  isOrganisationNumber: ({ target, value }) => {
    const country = (target as { country?: unknown } | undefined)?.country;
    if (typeof value !== 'string' || typeof country !== 'string') return undefined;
    const reading = readOrganisationNumber(country, value);
    return 'rule' in reading ? reading.rule : undefined;
  },
};

/**
 * The DTO's own rules, as a single request's body is checked: one problem per field, its rules in one sentence;
 * an empty cell where the DTO needs a value is simply "required".
 */
function checked(dto: new () => object, values: Record<string, unknown>): Array<{ field: string; rule: string }> {
  // Synchronous: the request DTOs' rules are all synchronous, and 10,000 rows need not wait on 10,000 promises.
  const errors = validateSync(plainToInstance(dto, values), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const flatten = (list: ValidationError[], parent = ''): Array<{ field: string; rule: string }> =>
    list.flatMap((error) => {
      const field = parent ? `${parent}.${error.property}` : error.property;
      const constraints = error.constraints ?? {};
      const rules = Object.entries(constraints).map(([name, message]) => RULE_APART[name]?.(error) ?? message);
      // A missing value breaks every rule of its field; a vocabulary's rule says more than "required" (which words, and when).
      const missing = constraints.isIn ?? 'is required';
      const own = rules.length === 0 ? [] : [{ field, rule: error.value === undefined ? missing : rules.reverse().join('; ') }];
      return [...own, ...flatten(error.children ?? [], field)];
    });
  return flatten(errors);
}

/**
 * The rule a refusal states, never the value it refused: a row's problems go into ImportApplied in the event log,
 * where a mistyped personnummer would stay for ever. A refusal whose message shows its sender the value states its
 * rule apart (`rule`: RuleViolationShowingValue, OrganisationNumberTaken); every other refusal's message names no
 * value, but for the ids of NotFound and AlreadyExists, which may be a cell's (a participant id).
 */
function ruleOf(error: RuleViolation | NotFound | AlreadyExists): string {
  const apart = (error as { rule?: unknown }).rule;
  if (typeof apart === 'string') return apart;
  if (error instanceof NotFound) return `names no ${error.entity.toLowerCase()} of the ledger`;
  if (error instanceof AlreadyExists) return `the ${error.entity.toLowerCase()} already exists`;
  return error.message;
}

/** Which column a decider's refusal speaks of, by what it names; null when it speaks of the row as a whole. */
function ruleColumn(kind: ImportKind, message: string): string | null {
  const text = message.toLowerCase();
  switch (kind) {
    case 'participants':
      return text.includes('registration date') ? 'registeredOn' : text.includes('organisation') ? 'organisation' : null;
    case 'organisations':
      return text.includes('size class')
        ? 'sizeClass'
        : text.includes('founded')
          ? 'foundedYear'
          : text.includes('nace')
            ? 'naceCode'
            : text.includes('number')
              ? 'organisationNumber'
              : null;
    case 'attendance':
      return text.includes('date') || text.includes('closed') ? 'date' : null;
    default:
      return kind satisfies never;
  }
}

/** How many problems, and a digest of all of them: the log keeps only the first few, the answer has them all. */
function digestOf(errors: RowProblem[]): Pick<ImportOutcome, 'errorCount' | 'errorsSha256'> {
  return { errorCount: errors.length, errorsSha256: createHash('sha256').update(JSON.stringify(errors)).digest('hex') };
}

/** The outcome of an import refused because of invalid rows: a 422 whose body is the report. */
export function refusedImport(report: ImportOutcome): HttpException {
  const message = `${report.invalid} of ${report.rows} rows break a rule; nothing was recorded (send onError=skip to record the valid rows)`;
  return new HttpException({ statusCode: 422, error: 'Unprocessable Entity', message, ...report }, 422);
}

