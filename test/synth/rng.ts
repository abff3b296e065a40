/**
 * Deterministic randomness for synthetic fixtures. Every generator in `test/synth/` takes an
 * `Rng` so tests, the labelled corpus and benchmarks are reproducible from a seed.
 *
 * Synthetic identities only: values are made to pass checksums, never taken from real people.
 *
 * @module
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a tiny, fast, seedable PRNG, good enough for fixtures (not for keys). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [min, max] inclusive. */
export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** One element of a non-empty array. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** `n` random decimal digits. */
export function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rng() * 10));
  return s;
}
