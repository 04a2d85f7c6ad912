// calibrateKdf with injected timings: whatever the clock says (a pause, warm-up, a broken timer), a new key's p stays
// within 1…KDF_MAX_P, and timings that cannot be right give restic's usual parameters instead of a guess.
import { describe, expect, it } from 'vitest';
import { calibrateKdf, DEFAULT_KDF_PARAMS, KDF_MAX_P, KdfParams } from '../../../server/src/repo/format/key';

/** A timer that answers one-lane and two-lane derivations from two scripts, in order (the last value repeats). */
function scripted(oneLane: number[], twoLanes: number[]) {
  const asked: KdfParams[] = [];
  const next = (script: number[], calls: number): number => script[Math.min(calls, script.length - 1)];
  const measure = async (kdf: KdfParams): Promise<number> => {
    const calls = asked.filter((k) => k.p === kdf.p).length;
    asked.push(kdf);
    return kdf.p === 1 ? next(oneLane, calls) : next(twoLanes, calls);
  };
  return { asked, measure };
}

const calibrate = (oneLane: number[], twoLanes: number[]): Promise<KdfParams> => calibrateKdf(scripted(oneLane, twoLanes).measure);

describe('scrypt calibration with injected timings', () => {
  it('the first pair includes the warm-up (measured here: 225/249 ms, then 175/273 and 179/262): p from the medians', async () => {
    // One pair alone gives 1 + (500 - 225) / 24 = 12 lanes; the medians give 1 + (500 - 179) / 89 = 4.
    expect(await calibrate([225, 175, 179], [249, 273, 262])).toEqual({ N: 32768, r: 8, p: 4 });
  });

  it('a pause in one one-lane run (the p = 228 seen after init) is outvoted', async () => {
    expect(await calibrate([150, 60, 61], [152, 121, 120])).toEqual({ N: 32768, r: 8, p: 8 });
  });

  it('a fast machine gets at most KDF_MAX_P lanes', async () => {
    expect(KDF_MAX_P).toBe(16);
    expect(await calibrate([10], [20])).toEqual({ N: 32768, r: 8, p: KDF_MAX_P });
  });

  it('timings that disagree every time give restic\'s usual parameters', async () => {
    const cases: [string, number[], number[]][] = [
      ['equal', [150], [150]],
      ['reversed', [200], [150]],
      ['two lanes barely above one', [150], [152]],
      ['a second lane over twice the first', [100], [400]],
      ['zero', [0], [0]],
      ['negative', [-5], [10]],
      ['NaN', [NaN], [NaN]],
      ['NaN in one pair', [150, NaN, 150], [300, 300, 300]],
      ['infinite', [Infinity], [Infinity]],
    ];
    for (const [what, one, two] of cases) {
      expect(await calibrate(one, two), what).toEqual(DEFAULT_KDF_PARAMS);
    }
  });

  it('huge but consistent timings are a slow machine: N halved to 16384 and one lane', async () => {
    expect(await calibrate([1e9], [2e9])).toEqual({ N: 16384, r: 8, p: 1 });
    expect(await calibrate([Number.MAX_VALUE / 4], [Number.MAX_VALUE / 2])).toEqual({ N: 16384, r: 8, p: 1 });
  });

  it('p stays within 1…KDF_MAX_P for any timings, random or absurd', async () => {
    const values = [0, 1e-9, 0.5, 1, 3, 50, 150, 499, 500, 501, 5000, 1e12, Infinity, -1, NaN];
    let seed = 7;
    const pick = (): number => values[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % values.length];
    for (let i = 0; i < 300; i++) {
      const { N, r, p } = await calibrate([pick(), pick(), pick()], [pick(), pick(), pick()]);
      expect(Number.isSafeInteger(p) && p >= 1 && p <= KDF_MAX_P, `p = ${p}`).toBe(true);
      expect([16384, 32768]).toContain(N);
      expect(r).toBe(8);
    }
  });

  it('times each of one and two lanes three times, in pairs', async () => {
    const { asked, measure } = scripted([100], [180]);
    await calibrateKdf(measure);
    expect(asked.map((k) => k.p)).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
