/** The read models cannot answer yet: rebuilding, or behind the position the client asked for. Retry later. */
export class ReadModelsNotReady extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'ReadModelsNotReady';
  }
}
