// Small seeded PRNG (mulberry32) for reproducible fuzz and property tests.
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** Short string from a mixed alphabet (ASCII, multi-byte, emoji). */
  str(max: number, alphabet = 'abcXYZ/09 _-é€😀'): string {
    const chars = [...alphabet];
    const n = this.int(max + 1);
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick(chars);
    return s;
  }
}
