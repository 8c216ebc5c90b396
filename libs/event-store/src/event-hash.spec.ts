import fc from 'fast-check';
import { canonicalEventContent, canonicalJson, eventHash, eventHashFromParts, logChainHash, sha256Hex } from './event-hash.js';
import { chainedMetadata, chainEvents, prepareEvents } from './new-event.js';
import { InvalidEventError } from './event-store.errors.js';

/**
 * JSON.stringify with every object's members written in sorted key order: what canonicalJson must equal for
 * JSON values. Written out by hand because a JS object always lists integer-like keys ("0", "10") first,
 * whatever order they were added in.
 */
function sortedStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedStringify(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth, keeps array order, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: 0, y: 'x' }], c: null } })).toBe('{"a":{"c":null,"d":[3,1,{"y":"x","z":0}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    // Integer-like keys sort as text too, not in the order a JS object lists them.
    expect(canonicalJson({ 9: 'a', 10: 'b', '': 'c' })).toBe('{"":"c","10":"b","9":"a"}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    // U+FF01 sorts after U+1F600 by code units (0xFF01 > 0xD83D), before it by code points.
    expect(canonicalJson({ b: 0, B: 0, å: 0, a: 0, '1': 0, '\uff01': 0, '\ud83d\ude00': 0 })).toBe(
      '{"1":0,"B":0,"a":0,"b":0,"å":0,"\ud83d\ude00":0,"\uff01":0}',
    );
  });

  it('leaves out undefined, functions and symbols in objects and writes null for them in arrays, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: Symbol('s'), d: 1 })).toBe('{"d":1}');
    expect(canonicalJson([undefined, () => 1, 1])).toBe('[null,null,1]');
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalJson([1, , 3])).toBe('[1,null,3]');
  });

  it('uses toJSON and unboxes boxed primitives, like JSON.stringify', () => {
    const when = new Date('2026-11-22T10:00:00.000Z');
    expect(canonicalJson({ when })).toBe('{"when":"2026-11-22T10:00:00.000Z"}');
    expect(canonicalJson({ n: Object(1), s: Object('x'), b: Object(false) })).toBe('{"b":false,"n":1,"s":"x"}');
  });

  it('writes numbers as ECMAScript does, -0 as 0, and escapes strings as JSON.stringify does', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1, -0, 5, 1.5])).toBe('[1e+21,1e-7,0.1,0,5,1.5]');
    expect(canonicalJson('a"b\\c\n\u0001å')).toBe(JSON.stringify('a"b\\c\n\u0001å'));
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY]])('throws on the non-finite number %p', (n) => {
    expect(() => canonicalJson(n)).toThrow(RangeError);
    expect(() => canonicalJson({ deep: [1, { n }] })).toThrow(/no JSON form/);
  });

  it('throws on what has no JSON form at all: a BigInt, a cycle, undefined itself', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    // The same object twice, but not inside itself, is not a cycle.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('equals JSON.stringify of the key-sorted value, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => canonicalJson(value) === sortedStringify(value)), { numRuns: 500 });
  });

  it('is the same before and after a JSON round trip, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        return canonicalJson(JSON.parse(JSON.stringify(value))) === text && canonicalJson(JSON.parse(text)) === text;
      }),
      { numRuns: 500 },
    );
  });
});

describe('sha256Hex', () => {
  it('is SHA-256 of the UTF-8 bytes, in lower-case hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('å')).toBe(sha256Hex('\u00e5'));
    expect(sha256Hex('å')).not.toBe(sha256Hex('a\u030a'));
  });
});

describe('eventHash', () => {
  const base = {
    streamName: 'participant-1',
    revision: 3,
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    type: 'ParticipantRegistered',
    data: { gender: 'woman', nested: { b: [1, 2], a: 'x' } },
    metadata: { actor: 'api-key', correlationId: 'c', causationId: 'c', recordedAt: '2026-11-22T10:00:00.000Z', previousHash: 'a'.repeat(64) },
  };

  it('is sha256 of the canonical JSON of the six fields, metadata with previousHash and without hash', () => {
    const { streamName, revision, id, type, data, metadata } = base;
    expect(eventHash(base)).toBe(sha256Hex(canonicalJson({ streamName, revision, id, type, data, metadata })));
    expect(eventHash({ ...base, metadata: { ...metadata, hash: 'anything' } })).toBe(eventHash(base));
    expect(eventHash({ ...base, metadata: { ...metadata, previousHash: null } })).not.toBe(eventHash(base));
  });

  it('does not depend on key order, and changes with any field', () => {
    const reordered = { ...base, data: { nested: { a: 'x', b: [1, 2] }, gender: 'woman' } };
    expect(eventHash(reordered)).toBe(eventHash(base));
    for (const changed of [
      { streamName: 'participant-2' },
      { revision: 4 },
      { id: '1f8fad5b-d9cb-469f-a165-70867728950e' },
      { type: 'ParticipantCorrected' },
      { data: { ...base.data, gender: 'man' } },
      { metadata: { ...base.metadata, actor: 'someone' } },
    ]) {
      expect(eventHash({ ...base, ...changed })).not.toBe(eventHash(base));
    }
  });

  it('from parts made once per append equals eventHash, and the stored forms are canonical, whatever the metadata keys', () => {
    const key = fc.string({ maxLength: 14 }).filter((k) => k !== '__proto__');
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.jsonValue({ maxDepth: 2 })),
        fc.jsonValue({ maxDepth: 3 }),
        fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null }),
        fc.nat(),
        (extra, data, previousHash, revision) => {
          const metadata = { ...extra, hash: 'ignored' } as Record<string, unknown>;
          const content = canonicalEventContent({ id: base.id, type: base.type, data, metadata });
          const expected = eventHash({ ...base, revision, data, metadata: { ...metadata, previousHash } });
          const { hash: _, previousHash: __, ...own } = metadata;
          return (
            eventHashFromParts(content.parts, base.streamName, revision, previousHash) === expected &&
            content.dataJson === canonicalJson(data) &&
            content.metadataJson === canonicalJson(own)
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('canonicalEventContent', () => {
  it('places previousHash among keys that sort right next to it, escaped or not', () => {
    const metadata = {
      previousHas: 1,
      previousHashA: 2,
      'previousHash\u0000': 3,
      'previousHash"': 4,
      'p"': 5,
      // Sorts before previousHash ('"' < 'H') but its JSON form after it ('\\' > 'H').
      'previous"': 7,
      'q\\': 6,
      previousHash: 'dropped: set from the chain',
      hash: 'dropped: cannot cover itself',
    };
    const event = { streamName: 's-1', revision: 2, id: 'x', type: 'T', data: null };
    for (const previousHash of [null, 'e'.repeat(64)]) {
      const { parts, metadataJson } = canonicalEventContent({ ...event, metadata });
      expect(eventHashFromParts(parts, 's-1', 2, previousHash)).toBe(eventHash({ ...event, metadata: { ...metadata, previousHash } }));
      const { hash: _, previousHash: __, ...own } = metadata;
      expect(metadataJson).toBe(canonicalJson(own));
    }
  });
});

describe('chainEvents', () => {
  const meta = { correlationId: 'c', causationId: 'c', actor: 't', recordedAt: '2026-11-22T10:00:00.000Z' };

  it('links each event to the one before, from the stream\'s last hash, overwriting what the writer put there', () => {
    const prepared = prepareEvents([
      { type: 'A', data: { n: 1 }, metadata: { ...meta, hash: 'forged', previousHash: 'forged' } },
      { type: 'B', data: { n: 2 }, metadata: meta },
    ]);
    const before = 'b'.repeat(64);
    const [a, b] = chainEvents('lab-1', 5, before, prepared);
    expect(a.revision).toBe(5);
    expect(a.previousHash).toBe(before);
    expect(b.previousHash).toBe(a.hash);
    for (const link of [a, b]) {
      const stored = JSON.parse(link.metadataJson);
      expect(stored).toEqual({ ...meta, previousHash: link.previousHash, hash: link.hash });
      expect(chainedMetadata(link)).toEqual(stored);
      expect(eventHash({ streamName: 'lab-1', revision: link.revision, id: link.event.id, type: link.event.type, data: link.event.data, metadata: stored })).toBe(link.hash);
    }
    expect(chainEvents('lab-1', 0, null, prepared)[0].previousHash).toBeNull();
  });

  it('hashes and stores a stream name and a previous hash that need escaping as eventHash and JSON do', () => {
    const prepared = prepareEvents([
      { type: 'A', data: { n: 1 }, metadata: meta },
      { type: 'B', data: { n: 2 }, metadata: meta },
    ]);
    for (const streamName of ['lab-"1"', 'lab-\\1', 'lab-\u2028-\t', 'lab-\ud800', 'lab-\ud83d\ude00']) {
      // A previous hash from outside the chain (an older store's) is any text, not always hex.
      for (const before of [null, 'e'.repeat(64), 'legacy "hash" \\ \udc00']) {
        for (const link of chainEvents(streamName, 3, before, prepared)) {
          const stored = JSON.parse(link.metadataJson);
          expect(stored).toEqual({ ...meta, previousHash: link.previousHash, hash: link.hash });
          expect(link.hash).toBe(
            eventHash({ streamName, revision: link.revision, id: link.event.id, type: link.event.type, data: link.event.data, metadata: stored }),
          );
        }
      }
    }
  });

  it('refuses an event whose data has no canonical form before anything is stored', () => {
    expect(() => prepareEvents([{ type: 'A', data: { n: Number.POSITIVE_INFINITY }, metadata: meta }])).toThrow(InvalidEventError);
  });
});

describe('logChainHash', () => {
  it('covers the previous chain value and the event hash', () => {
    const h = 'c'.repeat(64);
    expect(logChainHash(null, h)).toBe(sha256Hex(h));
    expect(logChainHash('d'.repeat(64), h)).toBe(sha256Hex('d'.repeat(64) + h));
  });
});
