/**
 * Keys a projection has looked up or written lately, kept at hand so an event costs no seek; cleared whole when full,
 * which bounds it to a few MB. Only for keys that never change once given. The keys are row ids, possibly written by
 * the transaction in progress, so a projection keeps them only within one compile of its statements: the runtime
 * compiles afresh after a failed batch (its rows rolled back) and after a swap.
 */
export class RecentKeys<Key> {
  private readonly keys = new Map<string, Key>();

  constructor(private readonly capacity: number) {}

  get(name: string): Key | undefined {
    return this.keys.get(name);
  }

  remember(name: string, key: Key): Key {
    if (this.keys.size >= this.capacity) this.keys.clear();
    this.keys.set(name, key);
    return key;
  }
}
