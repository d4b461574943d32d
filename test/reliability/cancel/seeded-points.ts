/**
 * Deterministic "random" interruption points: a small seeded PRNG (mulberry32), so a failing run can be
 * replayed exactly with `OCM_RELIABILITY_SEED=<seed>` (the seed in use is printed as a test diagnostic).
 */
export const RELIABILITY_SEED = Number(process.env.OCM_RELIABILITY_SEED ?? 0x5eed2024);

/** Returns a function yielding integers in [min, max], the same sequence for the same seed and label. */
export function seededPicker(label: string, seed = RELIABILITY_SEED): (min: number, max: number) => number {
  let state = seed >>> 0;
  for (const ch of label) state = (Math.imul(state ^ ch.charCodeAt(0), 0x9e3779b1) + 0x6d2b79f5) >>> 0;
  return (min, max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return min + Math.floor(unit * (max - min + 1));
  };
}
