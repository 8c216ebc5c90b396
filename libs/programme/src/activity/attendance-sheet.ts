import type { IsoDate } from '../shared/dates.js';

export interface Attendance {
  participantId: string;
  date: IsoDate;
}

/** The entries and, per participant and day, the first place they appear: shared by every sheet grown from it. */
interface SheetLog {
  entries: Attendance[];
  firstAt: Map<string, number>;
}

const keyOf = (participantId: string, date: IsoDate) => `${participantId} ${date}`;

function logOf(entries: Attendance[]): SheetLog {
  const firstAt = new Map<string, number>();
  entries.forEach(({ participantId, date }, at) => {
    const key = keyOf(participantId, date);
    if (!firstAt.has(key)) firstAt.set(key, at);
  });
  return { entries, firstAt };
}

/**
 * An activity's attendance in the order it was recorded: a value to its readers (a sheet never changes), yet
 * growing by one costs O(1) and asking whether someone attended on a day costs O(1), however long the sheet.
 * Copying the whole list on each event made folding a stream of n attendances cost O(n^2) (a series of 20,000
 * took seconds per command). Every sheet grown from another shares one append-only log and sees only its own
 * first `size` entries, so an earlier state never sees what was added after it; a sheet grown two ways from the
 * same state (which folding one stream never does) gets a copy of its own for the second way.
 */
export class AttendanceSheet {
  private constructor(
    private readonly log: SheetLog,
    /** How many attendance records the sheet holds. */
    readonly size: number,
  ) {}

  static empty(): AttendanceSheet {
    return new AttendanceSheet(logOf([]), 0);
  }

  static of(entries: readonly Attendance[]): AttendanceSheet {
    return new AttendanceSheet(logOf(entries.map(({ participantId, date }) => ({ participantId, date }))), entries.length);
  }

  has(participantId: string, date: IsoDate): boolean {
    const at = this.log.firstAt.get(keyOf(participantId, date));
    return at !== undefined && at < this.size;
  }

  with(participantId: string, date: IsoDate): AttendanceSheet {
    const { entries, firstAt } = this.log;
    if (entries.length === this.size) {
      entries.push({ participantId, date });
      const key = keyOf(participantId, date);
      if (!firstAt.has(key)) firstAt.set(key, this.size);
      return new AttendanceSheet(this.log, this.size + 1);
    }
    const next = entries[this.size];
    // Folded again from the same events (another command on the same stream): the log already says so.
    if (next.participantId === participantId && next.date === date) return new AttendanceSheet(this.log, this.size + 1);
    return AttendanceSheet.of(entries.slice(0, this.size)).with(participantId, date);
  }

  /** Entries `offset` to `offset + limit` (fewer at the end), oldest first. */
  page(offset: number, limit: number): Attendance[] {
    return this.log.entries.slice(Math.min(offset, this.size), Math.min(offset + limit, this.size)).map((entry) => ({ ...entry }));
  }

  /** A sheet is a value: two sheets are equal when they hold the same entries in the same order. */
  toJSON(): Attendance[] {
    return this.page(0, this.size);
  }
}
