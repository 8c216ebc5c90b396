import type { RecordedEvent } from '../event-store.port.js';

/**
 * An event as a rebuild reads it, from the embedded store's replay read or from the log reader thread: its
 * metadata (ids, hashes) is parsed only if a projection looks at it, which few do; parsing it was a third of
 * reading the log. Its metadata text is `text` from `start` to `end`, so a page can carry every event's metadata
 * as one text. A class, because a getter in an object literal measured slower than parsing eagerly; its metadata
 * is therefore not an own property, which is why only the rebuild gets these and every other reader keeps plain
 * objects.
 */
export class ReplayedEvent implements RecordedEvent {
  readonly #text: string;
  readonly #start: number;
  readonly #end: number;
  readonly #metadataAt: ((position: number) => string) | undefined;
  #metadata: RecordedEvent['metadata'] | undefined;

  constructor(
    readonly position: number,
    readonly id: string,
    readonly streamName: string,
    readonly revision: number,
    readonly type: string,
    readonly data: unknown,
    readonly recordedAt: string,
    metadataText: string,
    start = 0,
    end = metadataText.length,
    /** Where the metadata is read from when the page did not carry it (an empty range: a stored text never is). */
    metadataAt?: (position: number) => string,
  ) {
    this.#text = metadataText;
    this.#start = start;
    this.#end = end;
    this.#metadataAt = metadataAt;
  }

  get metadata(): RecordedEvent['metadata'] {
    return (this.#metadata ??= JSON.parse(this.#metadataText()));
  }

  #metadataText(): string {
    if (this.#start === this.#end && this.#metadataAt) return this.#metadataAt(this.position);
    return this.#start === 0 && this.#end === this.#text.length ? this.#text : this.#text.slice(this.#start, this.#end);
  }
}
