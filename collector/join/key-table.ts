// Values indexed by JoinKey: a Map on the key's 32-bit hash (small integers are the
// fastest Map keys there are), with the rare collisions chained in an array.
import type { JoinKey } from './join-key.js';

export class KeyTable<T extends { readonly key: JoinKey }> {
  private readonly byHash = new Map<number, T | T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: JoinKey): T | undefined {
    const slot = this.byHash.get(key.hash);
    if (slot === undefined) return undefined;
    if (!Array.isArray(slot)) return slot.key.equals(key) ? slot : undefined;
    return slot.find((v) => v.key.equals(key));
  }

  /** Adds or replaces the value for its key. */
  set(value: T): void {
    const slot = this.byHash.get(value.key.hash);
    if (slot === undefined) {
      this.byHash.set(value.key.hash, value);
      this.count++;
    } else if (!Array.isArray(slot)) {
      if (slot.key.equals(value.key)) this.byHash.set(value.key.hash, value);
      else {
        this.byHash.set(value.key.hash, [slot, value]);
        this.count++;
      }
    } else {
      const i = slot.findIndex((v) => v.key.equals(value.key));
      if (i >= 0) slot[i] = value;
      else {
        slot.push(value);
        this.count++;
      }
    }
  }

  delete(key: JoinKey): void {
    const slot = this.byHash.get(key.hash);
    if (slot === undefined) return;
    if (!Array.isArray(slot)) {
      if (slot.key.equals(key)) {
        this.byHash.delete(key.hash);
        this.count--;
      }
      return;
    }
    const i = slot.findIndex((v) => v.key.equals(key));
    if (i < 0) return;
    slot.splice(i, 1);
    this.count--;
    if (slot.length === 1) this.byHash.set(key.hash, slot[0]!);
  }

  *values(): IterableIterator<T> {
    for (const slot of this.byHash.values()) {
      if (Array.isArray(slot)) yield* slot;
      else yield slot;
    }
  }

  clear(): void {
    this.byHash.clear();
    this.count = 0;
  }
}
