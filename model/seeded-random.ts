/**
 * mulberry32: a tiny, well-mixed 32-bit PRNG. Graph layouts, generated
 * topologies and property tests use it so that a seed replays exactly;
 * never for secrets.
 */
export type Rng = () => number;

/** Numbers in [0, 1), the same sequence for the same seed. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
