import { InvalidStreamNameError } from './event-store.errors.js';

export const MAX_STREAM_NAME_LENGTH = 256;

/** Names `$`-prefixed are EventStoreDB's system streams; we must never write or read as if ours. */
export function assertValidStreamName(streamName: unknown): asserts streamName is string {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw new InvalidStreamNameError(String(streamName ?? ''), 'must not be empty');
  }
  if (streamName.length > MAX_STREAM_NAME_LENGTH) {
    throw new InvalidStreamNameError(streamName, `must be at most ${MAX_STREAM_NAME_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(streamName)) {
    throw new InvalidStreamNameError(streamName, 'must not contain control characters');
  }
  if (streamName.startsWith('$')) {
    throw new InvalidStreamNameError(streamName, 'must not start with "$" (reserved for system streams)');
  }
}

/** `<category>-<id>`, category camelCase without a dash, as Eventuous names streams. */
export function streamName(category: string, id: string): string {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(category)) {
    throw new InvalidStreamNameError(`${category}-${id}`, 'category must be camelCase letters and digits');
  }
  const name = `${category}-${id}`;
  assertValidStreamName(name);
  return name;
}
