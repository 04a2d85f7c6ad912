import { LockstepError } from '../base/errors';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration as restic's flags take them ("90s", "5m", "1h30m", "250ms"); returns milliseconds. */
export function parseGoDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    end = re.lastIndex;
  }
  if (trimmed === '' || end !== trimmed.length) throw new LockstepError(`invalid duration "${text}" for --${flag}: use a number with a unit, e.g. 30s, 5m or 1h30m`);
  return total;
}
