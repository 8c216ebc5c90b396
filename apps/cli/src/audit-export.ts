import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  describeEvent,
  InvalidStreamNameError,
  isSha256Hex,
  LogVerifier,
  progressReporter,
  readWholeLog,
  streamName,
  StreamNotFoundError,
  type EventStore,
  type VerifyProgress,
} from '@app/event-store';

export const AUDIT_EXPORT_FORMAT = 'programme-ledger-audit-export';

/** The first line of an export: what it holds, so that a missing or added event shows without the store. */
export interface AuditExportHeader {
  format: typeof AUDIT_EXPORT_FORMAT;
  version: 1;
  projectId: string;
  exportedAt: string;
  events: number;
  /** Every stream in the file, with its number of events and the hash of its last one. */
  streams: Record<string, { events: number; head: string }>;
}

/** Every line after the header: one event, as the store holds it. */
export interface AuditExportLine {
  position: number;
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

export class UnknownProjectError extends Error {
  constructor(readonly projectId: string) {
    super(`There is no project ${projectId} in the event log (no stream project-${projectId})`);
    this.name = 'UnknownProjectError';
  }
}

export interface ProgressOptions {
  onProgress?: (progress: VerifyProgress) => void;
  progressIntervalMs?: number;
}

export interface ExportOptions extends ProgressOptions {
  pageSize?: number;
  clock?: () => Date;
}

/**
 * Writes every event of a project's streams, in log order, with metadata and hashes. A stream belongs to
 * the project when it is `project-<id>` or its first event names the project (`data.projectId`), which
 * every participant, activity, support, pilot case, outcome and report stream's first event does. The
 * log is scanned once, whole: the read models could say which streams are the project's, but an export
 * for an auditor must not depend on anything the log cannot vouch for.
 *
 * The file appears complete or not at all: it is written under a temporary name beside the target and
 * renamed into place once synced.
 */
export async function exportProjectAudit(
  store: EventStore,
  projectId: string,
  outFile: string,
  options: ExportOptions = {},
): Promise<{ events: number; streams: number }> {
  await assertProjectExists(store, projectId);
  const projectStream = streamName('project', projectId);
  const exportedAt = (options.clock ?? (() => new Date()))().toISOString();
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const bodyFile = `${outFile}.${suffix}.body.tmp`;
  const finalFile = `${outFile}.${suffix}.tmp`;
  const cleanUp = () => {
    for (const file of [bodyFile, finalFile]) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  try {
    // The header needs the counts, known only at the end: the events go to a body file first.
    const body = new BufferedFile(bodyFile);
    const streams: AuditExportHeader['streams'] = {};
    const belongs = new Map<string, boolean>();
    let events = 0;
    try {
      const [head] = await store.readAll({ direction: 'backwards', maxCount: 1 });
      const progress = progressReporter(head?.position ?? 0, options);
      let position = 0;
      for await (const page of readWholeLog(store, options.pageSize)) {
        for (const event of page) {
          position = event.position;
          let included = belongs.get(event.streamName);
          if (included === undefined) {
            included = event.streamName === projectStream || (event.data as { projectId?: unknown } | null)?.projectId === projectId;
            belongs.set(event.streamName, included);
          }
          if (!included) continue;
          const { streamName, revision, id, type, data, metadata, recordedAt } = event;
          const line: AuditExportLine = { position, streamName, revision, id, type, data, metadata, recordedAt };
          body.write(`${JSON.stringify(line)}\n`);
          const stream = (streams[streamName] ??= { events: 0, head: '' });
          stream.events += 1;
          stream.head = String(metadata.hash ?? '');
          events += 1;
        }
        progress.tick(events, position);
      }
      progress.done(events, position);
    } finally {
      body.close();
    }
    const header: AuditExportHeader = { format: AUDIT_EXPORT_FORMAT, version: 1, projectId, exportedAt, events, streams };
    const out = new BufferedFile(finalFile);
    try {
      out.write(`${JSON.stringify(header)}\n`);
      out.copyFrom(bodyFile);
      out.sync();
    } finally {
      out.close();
    }
    renameSync(finalFile, outFile);
    return { events, streams: Object.keys(streams).length };
  } finally {
    cleanUp();
  }
}

/** Throws UnknownProjectError unless the log holds the project's own stream. */
export async function assertProjectExists(store: EventStore, projectId: string): Promise<void> {
  try {
    await store.readStream(streamName('project', projectId), { maxCount: 1 });
  } catch (error) {
    if (error instanceof StreamNotFoundError || error instanceof InvalidStreamNameError) throw new UnknownProjectError(projectId);
    throw error;
  }
}

export interface ExportVerification {
  ok: boolean;
  projectId?: string;
  exportedAt?: string;
  events: number;
  streams: number;
  /** The first problem: the line it is on (1 is the header) and what is wrong, naming the event. */
  problem?: { line: number; message: string };
}

/**
 * Checks an export without the event store: the header, every event's hash, every stream's chain from
 * revision 0 (an export holds whole streams), no event twice, and the header's counts and head hashes
 * against the events in the file, so that an event removed from the end of a stream shows too.
 */
export async function verifyAuditExport(file: string, options: ProgressOptions = {}): Promise<ExportVerification> {
  const size = statSync(file).size;
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const progress = progressReporter(size, options);
  const verifier = new LogVerifier();
  const seen = new Map<string, number>();
  const counted = new Map<string, { events: number; line: number; id: string; position: number; revision: number }>();
  let header: AuditExportHeader | undefined;
  let lineNumber = 0;
  const result = (problem?: { line: number; message: string }): ExportVerification => {
    progress.done(verifier.events, input.bytesRead);
    return {
      ok: problem === undefined,
      ...(header ? { projectId: header.projectId, exportedAt: header.exportedAt } : {}),
      events: verifier.events,
      streams: verifier.streams,
      ...(problem ? { problem } : {}),
    };
  };
  try {
    for await (const text of lines) {
      lineNumber += 1;
      if (lineNumber === 1) {
        const headerProblem = checkHeader(text);
        if (typeof headerProblem === 'string') return result({ line: 1, message: `line 1: ${headerProblem}` });
        header = headerProblem;
        continue;
      }
      const at = (message: string) => result({ line: lineNumber, message: `line ${lineNumber}: ${message}` });
      if (text.trim() === '') return at('is empty; every line after the header must be one event');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return at(`is not valid JSON (${(error as Error).message})`);
      }
      const shapeProblem = checkLine(value);
      if (shapeProblem) return at(shapeProblem);
      const event = value as AuditExportLine;
      const first = seen.get(event.id);
      if (first !== undefined) return at(`event ${event.id} appears twice (first on line ${first})`);
      seen.set(event.id, lineNumber);
      if (!Object.hasOwn(header!.streams, event.streamName)) {
        return at(`Event at ${describeEvent(event)}: its stream is not listed in the header`);
      }
      const problem = verifier.check(event);
      if (problem) return at(problem.message);
      if (event.revision === 0 && !belongsTo(event, header!.projectId)) {
        return at(`Event at ${describeEvent(event)}: its stream does not belong to project ${header!.projectId}`);
      }
      const stream = counted.get(event.streamName);
      counted.set(event.streamName, {
        events: (stream?.events ?? 0) + 1,
        line: lineNumber,
        id: event.id,
        position: event.position,
        revision: event.revision,
      });
      if (lineNumber % 1000 === 0) progress.tick(verifier.events, input.bytesRead);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (!header) return result({ line: 1, message: 'line 1: the file is empty; an export starts with its header' });
  const heads = verifier.streamHeads();
  for (const [streamName, stated] of Object.entries(header.streams)) {
    const found = counted.get(streamName);
    if (!found) {
      return result({ line: 1, message: `line 1: the header lists stream ${streamName} with ${events(stated.events)}, but the file holds none of them` });
    }
    const head = heads.get(streamName)!;
    if (found.events !== stated.events || head.hash !== stated.head) {
      return result({
        line: found.line,
        message:
          `line ${found.line}: Event at ${describeEvent({ ...found, streamName })} is the last of its stream in the file ` +
          `(${events(found.events)}, head ${head.hash}), but the header lists ${events(stated.events)} with head ${stated.head}: ` +
          'events of the stream are missing from the file, or the header was changed',
      });
    }
  }
  if (verifier.events !== header.events) {
    return result({ line: 1, message: `line 1: the header lists ${events(header.events)}, the file holds ${verifier.events}` });
  }
  const projectStream = streamName('project', header.projectId);
  if (!Object.hasOwn(header.streams, projectStream)) {
    return result({ line: 1, message: `line 1: the export holds no stream ${projectStream}` });
  }
  return result();
}

function events(n: number): string {
  return `${n} event${n === 1 ? '' : 's'}`;
}

function checkHeader(text: string): AuditExportHeader | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not the header of a Programme Ledger audit export (not JSON)';
  }
  const header = value as Partial<AuditExportHeader> | null;
  if (header === null || typeof header !== 'object' || header.format !== AUDIT_EXPORT_FORMAT) {
    return `is not the header of a Programme Ledger audit export (no format "${AUDIT_EXPORT_FORMAT}")`;
  }
  if (header.version !== 1) return `the export has version ${JSON.stringify(header.version)}; this ledger reads version 1`;
  if (typeof header.projectId !== 'string' || header.projectId === '') return 'the header has no projectId';
  try {
    streamName('project', header.projectId);
  } catch (error) {
    if (!(error instanceof InvalidStreamNameError)) throw error;
    return `the header's projectId cannot name a project's stream (${error.message})`;
  }
  if (typeof header.exportedAt !== 'string' || Number.isNaN(Date.parse(header.exportedAt))) return 'the header has no valid exportedAt';
  if (!Number.isSafeInteger(header.events) || header.events! < 0) return 'the header has no valid event count (events)';
  if (header.streams === null || typeof header.streams !== 'object' || Array.isArray(header.streams)) {
    return 'the header has no streams object';
  }
  for (const [name, stream] of Object.entries(header.streams)) {
    if (stream === null || typeof stream !== 'object' || !Number.isSafeInteger(stream.events) || stream.events < 1 || !isSha256Hex(stream.head)) {
      return `the header's entry for stream ${name} is not { events: <count>, head: <sha-256> }`;
    }
  }
  return header as AuditExportHeader;
}

function checkLine(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'is not an event object';
  const line = value as Partial<AuditExportLine>;
  const wrong: string[] = [];
  if (!Number.isSafeInteger(line.position)) wrong.push('position');
  if (typeof line.streamName !== 'string' || line.streamName === '') wrong.push('streamName');
  if (!Number.isSafeInteger(line.revision) || line.revision! < 0) wrong.push('revision');
  if (typeof line.id !== 'string' || line.id === '') wrong.push('id');
  if (typeof line.type !== 'string') wrong.push('type');
  if (!('data' in line)) wrong.push('data');
  if (line.metadata === null || typeof line.metadata !== 'object' || Array.isArray(line.metadata)) wrong.push('metadata');
  if (typeof line.recordedAt !== 'string') wrong.push('recordedAt');
  return wrong.length > 0 ? `is not an event: ${wrong.join(', ')} missing or of the wrong type` : undefined;
}

function belongsTo(event: AuditExportLine, projectId: string): boolean {
  return event.streamName === streamName('project', projectId) || (event.data as { projectId?: unknown } | null)?.projectId === projectId;
}

/** Synchronous writes in large chunks: an export of a big project is millions of small lines. */
class BufferedFile {
  private readonly fd: number;
  private chunks: string[] = [];
  private pending = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'wx', 0o600);
  }

  write(text: string): void {
    this.chunks.push(text);
    this.pending += text.length;
    if (this.pending >= 1 << 20) this.flush();
  }

  copyFrom(file: string): void {
    this.flush();
    const source = openSync(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const read = readSync(source, buffer, 0, buffer.length, null);
        if (read === 0) break;
        let written = 0;
        while (written < read) written += writeSync(this.fd, buffer, written, read - written);
      }
    } finally {
      closeSync(source);
    }
  }

  sync(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    const data = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
  }
}
