import { AlreadyExists, assertNever, type Decider, type DomainEvent } from '@app/programme';
import type { ImportKind, RowProblem } from './import-columns.js';

/** What an import did, as its report says it: counts, and each refused row with its column and rule (never a value). */
export interface ImportOutcome {
  importId: string;
  kind: ImportKind;
  /** The attendance kind's activity. */
  activityId?: string;
  /** SHA-256 of the uploaded bytes: the file itself is never stored. */
  fileSha256: string;
  rows: number;
  valid: number;
  invalid: number;
  recorded: number;
  skipped: number;
  /** Valid rows that name a record the ledger already holds (a participant's e-mail, an organisation number). */
  matched: number;
  /** Every problem, as answered; the log keeps the first {@link MAX_LOGGED_ERRORS} (an event stays small). */
  errors: RowProblem[];
  /** How many problems there are in all, and the SHA-256 of all of them (JSON): the full report is answered, not stored. */
  errorCount: number;
  errorsSha256: string;
}

/**
 * The problems an ImportApplied event keeps: a file of 20,000 bad rows would otherwise pass the store's 1 MB per
 * append after its valid rows were recorded (a 413 claiming nothing was written, and no outcome for a retry).
 */
export const MAX_LOGGED_ERRORS = 500;

export type ImportEvent = DomainEvent<'ImportApplied', ImportOutcome & { projectId: string }>;

export type ImportCommand = { type: 'RecordImport'; data: ImportOutcome & { projectId: string } };

/** A project's log of applied imports: one stream per project, one event per import. */
export interface ImportLogState {
  importIds: ReadonlySet<string>;
}

export const importLogDecider: Decider<ImportLogState, ImportCommand, ImportEvent> = {
  initialState: () => ({ importIds: new Set() }),

  decide(command, state) {
    switch (command.type) {
      case 'RecordImport':
        // The same file applied again answers its first outcome before it gets here; this is the last guard.
        if (state.importIds.has(command.data.importId)) throw new AlreadyExists('Import', command.data.importId);
        return [{ type: 'ImportApplied', data: command.data }];
      default:
        return assertNever(command.type);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ImportApplied':
        return { importIds: new Set([...state.importIds, event.data.importId]) };
      default:
        return assertNever(event.type);
    }
  },
};
