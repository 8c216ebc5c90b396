import * as crypto from 'node:crypto';

/**
 * One text per value however its object keys happen to be ordered, so that a hash taken when an event is
 * appended can be taken again from the event as any adapter, export or other program reads it back. It
 * follows JSON.stringify (toJSON, undefined and functions left out of objects and null in arrays) so that
 * a value and its JSON round trip give the same text; keys sort by UTF-16 code units and numbers print as
 * ECMAScript prints them, which makes the result RFC 8785 (JCS) for plain JSON values.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, '', 0);
  if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not a JSON value`);
  return text;
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return oneShotSha256 ? oneShotSha256('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

// crypto.hash (Node 20.12+) skips the Hash object and is about twice as fast; the engines field still
// admits 20.11, which lacks it.
const oneShotSha256 = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** The fields an event's hash covers: everything the writer chose and where the store put it. */
export interface HashedEventFields {
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
  /** Includes `previousHash`; a `hash` field in it is left out (it cannot cover itself). */
  metadata: Record<string, unknown>;
}

/**
 * The hash stored in `metadata.hash`. Covering `previousHash` chains each event to the one before it in its
 * stream, so an event cannot be edited, removed or reordered without breaking every hash after it. The
 * store's own `recordedAt` and position are left out: EventStoreDB assigns both only after the append,
 * when the hash has to be known already.
 */
export function eventHash(event: HashedEventFields): string {
  return sha256Hex(eventHashText(event));
}

/**
 * canonicalJson({ data, id, metadata (without hash), revision, streamName, type }), written out with its
 * keys already in order so the metadata need not be copied to drop `hash`.
 */
function eventHashText({ streamName, revision, id, type, data, metadata }: HashedEventFields): string {
  assertObject(metadata);
  return (
    `{"data":${canonicalJson(data)},"id":${canonicalJson(id)},"metadata":{${canonicalEntries(metadata, 1, 'hash').map((entry) => entry.text).join(',')}}` +
    `,"revision":${canonicalJson(revision)},"streamName":${canonicalJson(streamName)},"type":${canonicalJson(type)}}`
  );
}

/**
 * What depends on where an event lands (stream, revision, previous hash) is filled in by
 * `eventHashFromParts`; the rest is made once, when the append is prepared, so an append that waits for
 * its turn or is retried against a moved stream is never canonicalised twice.
 */
export interface EventHashParts {
  /** `{"data":...,"id":...,"metadata":{...,"previousHash":` */
  head: string;
  /** `...},"revision":` */
  middle: string;
  /** `,"type":...}` */
  tail: string;
}

export interface CanonicalEventContent {
  /** canonicalJson(data): the form the embedded store keeps, so what is stored is what was hashed. */
  dataJson: string;
  /** canonicalJson of the metadata without `hash` and `previousHash`. */
  metadataJson: string;
  parts: EventHashParts;
}

let flattened = 0;

/** Canonicalises an event's data and metadata once, for storing and for hashing alike. */
export function canonicalEventContent({ id, type, data, metadata }: Omit<HashedEventFields, 'streamName' | 'revision'>): CanonicalEventContent {
  assertObject(metadata);
  const dataJson = canonical(data, '', 0);
  if (dataJson === undefined) throw new TypeError(`canonicalJson: ${typeof data} is not a JSON value`);
  // The text is a rope of every piece it was built from; flattening it once here (Number() reads it whole;
  // kept in a variable so the compiler cannot drop the call) spares hashing, the size check and the insert
  // each walking that rope again.
  flattened = Number(dataJson);
  let before = '';
  let after = '';
  for (const entry of canonicalEntries(metadata, 1, 'hash', 'previousHash')) {
    // Compared as raw keys, the way they were sorted (quoted forms can order differently: '"' < 'H' < '\\').
    if (entry.key < 'previousHash') before += entry.text + ',';
    else after += ',' + entry.text;
  }
  const metadataJson = '{' + (after === '' ? before.slice(0, -1) : before + after.slice(1)) + '}';
  return {
    dataJson,
    metadataJson,
    parts: {
      head: '{"data":' + dataJson + ',"id":' + quoteJson(id) + ',"metadata":{' + before + '"previousHash":',
      middle: after + '},"revision":',
      tail: ',"type":' + quoteJson(type) + '}',
    },
  };
}

/** Equals eventHash of the same event with `metadata.previousHash` set to `previousHash`. */
export function eventHashFromParts(parts: EventHashParts, streamName: string, revision: number, previousHash: string | null): string {
  return eventHashFromQuoted(parts, quoteJson(streamName), revision, previousHash === null ? 'null' : quoteJson(previousHash));
}

/**
 * eventHashFromParts with the stream name and the previous hash already in their JSON form: a chain quotes its
 * stream's name once, and the hashes it made itself are hex, which needs no escaping.
 */
export function eventHashFromQuoted(parts: EventHashParts, quotedStreamName: string, revision: number, quotedPreviousHash: string): string {
  if (!Number.isSafeInteger(revision)) throw new RangeError(`eventHash: revision ${revision} is not an integer`);
  return sha256Hex(`${parts.head}${quotedPreviousHash}${parts.middle}${revision},"streamName":${quotedStreamName}${parts.tail}`);
}

/**
 * The embedded store's chain over its whole log: each row's value covers the previous row's and this
 * event's hash, so removing or reordering rows anywhere shows even across streams. Empty before the first.
 */
export function logChainHash(previousChain: string | null, hash: string): string {
  return sha256Hex((previousChain ?? '') + hash);
}

/** A SHA-256 in the form this module writes it. */
export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && value.length === 64 && /^[0-9a-f]{64}$/.test(value);
}

// Deeper than any event has reason to be; also how a cycle shows, without tracking every ancestor.
const MAX_DEPTH = 1000;

/** JSON.stringify's toJSON step, then the value itself. */
function canonical(value: unknown, key: string, depth: number): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  return canonicalValue(value, key, depth);
}

// Written with typeof tests rather than a switch and with += rather than template strings: this runs for
// every value of every appended event, and this form keeps it as fast as JSON.stringify itself.
function canonicalValue(value: unknown, key: string, depth: number): string | undefined {
  if (typeof value === 'string') return quoteJson(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`canonicalJson: ${value} has no JSON form`);
    // '' + -0 is "0", as JSON.stringify writes it.
    return '' + value;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: a BigInt has no JSON form');
  // undefined, functions and symbols: left out of objects, null in arrays, as JSON.stringify does.
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) throw new TypeError(`canonicalJson: the value is nested deeper than ${MAX_DEPTH} levels or contains a cycle`);
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ',';
      const inner = canonical(value[index], String(index), depth + 1);
      text += inner === undefined ? 'null' : inner;
    }
    return text + ']';
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return canonicalValue(value.valueOf(), key, depth);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (let index = 0; index < keys.length; index++) {
    const inner = canonical(record[keys[index]], keys[index], depth + 1);
    if (inner === undefined) continue;
    if (text.length > 1) text += ',';
    text += quoteKey(keys[index]) + ':' + inner;
  }
  return text + '}';
}

/** `"key":value` for each member that has a JSON form, in key order, leaving out the keys to skip. */
function canonicalEntries(value: Record<string, unknown>, depth: number, ...skip: string[]): Array<{ key: string; text: string }> {
  const entries: Array<{ key: string; text: string }> = [];
  for (const key of Object.keys(value).sort()) {
    if (skip.includes(key)) continue;
    const inner = canonical(value[key], key, depth);
    if (inner !== undefined) entries.push({ key, text: quoteKey(key) + ':' + inner });
  }
  return entries;
}

// What JSON.stringify escapes: '"', '\\', control characters, and surrogates (which it leaves alone only in
// pairs, so those go through JSON.stringify too).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string in its JSON form, as canonicalJson writes it. */
export function quoteJson(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

// Event schemas repeat the same few hundred keys; the cap keeps hostile data from growing it without end.
const quotedKeys = new Map<string, string>();

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = quoteJson(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function assertObject(metadata: unknown): asserts metadata is Record<string, unknown> {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new TypeError('eventHash: metadata must be an object');
  }
}
