/**
 * A least-recently-used map bounded by entry count. A Map keeps insertion order, so re-inserting
 * on every read makes its first key the least recently used one: eviction is O(1).
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private maxEntries: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    this.evict();
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** The bound comes from configuration read per invocation, so it may shrink on a warm instance. */
  resize(maxEntries: number): void {
    this.maxEntries = maxEntries;
    this.evict();
  }

  private evict(): void {
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done) return;
      this.map.delete(oldest.value);
    }
  }
}
