import { afterEach, describe, expect, it } from 'vitest';
import { LockstepError } from '../../../server/src/base/errors';
import { forgetLocalOffsets, formatAnyGoTime, formatGoTime, goTimeSeconds, isGoTime, parseGoTime } from '../../../server/src/repo/format/gotime';

/** A new local zone, and formatGoTime told so (it reads TZ only every few hundred times). */
function setTimeZone(tz: string): void {
  process.env.TZ = tz;
  forgetLocalOffsets();
}

const ns = (iso: string, nanos = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + nanos;

describe('formatGoTime', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
    forgetLocalOffsets();
  });

  it('writes RFC3339Nano like Go', () => {
    const t = ns('2014-12-22T13:47:59Z', 912418701n);
    expect(formatGoTime(t, 60)).toBe('2014-12-22T14:47:59.912418701+01:00');
    expect(formatGoTime(t, 0)).toBe('2014-12-22T13:47:59.912418701Z');
    expect(formatGoTime(t, -330)).toBe('2014-12-22T08:17:59.912418701-05:30');
    expect(formatGoTime(t, 330)).toBe('2014-12-22T19:17:59.912418701+05:30');
  });

  it('drops trailing fraction zeros, and the fraction when it is 0', () => {
    expect(formatGoTime(ns('2014-01-01T00:00:00Z', 500_000_000n), 0)).toBe('2014-01-01T00:00:00.5Z');
    expect(formatGoTime(ns('2014-01-01T00:00:00Z', 120_000n), 0)).toBe('2014-01-01T00:00:00.00012Z');
    expect(formatGoTime(ns('2014-01-01T00:00:00Z', 1n), 0)).toBe('2014-01-01T00:00:00.000000001Z');
    expect(formatGoTime(ns('2014-01-01T00:00:00Z'), 0)).toBe('2014-01-01T00:00:00Z');
    expect(formatGoTime(ns('2014-01-01T00:00:00Z'), 60)).toBe('2014-01-01T01:00:00+01:00');
  });

  it('handles times before 1970', () => {
    expect(formatGoTime(-1n, 0)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(formatGoTime(ns('1900-02-28T12:00:00Z', 250_000_000n), 0)).toBe('1900-02-28T12:00:00.25Z');
    expect(formatGoTime(ns('0001-01-01T00:00:00Z'), 0)).toBe('0001-01-01T00:00:00Z');
  });

  it('clamps the year to 0..9999 keeping the rest, judged in the zone used', () => {
    expect(formatGoTime(ns('9999-12-31T23:59:59Z', 999_999_999n), 0)).toBe('9999-12-31T23:59:59.999999999Z');
    // 10000-01-01T00:30 in +01:00 → year set to 9999.
    expect(formatGoTime(ns('9999-12-31T23:30:00Z'), 60)).toBe('9999-01-01T00:30:00+01:00');
    const year20000 = (ns('2000-06-15T10:20:30Z') / 1_000_000_000n + 18000n * 31_556_952n) * 1_000_000_000n;
    expect(formatGoTime(year20000, 0)).toMatch(/^9999-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(formatGoTime(-(10n ** 30n), 0)).toMatch(/^0000-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Feb 29 of a leap year above 9999 becomes Mar 1 of 9999 (not a leap year).
    const feb29y10000 = 253402300800n + 59n * 86400n; // 10000-02-29T00:00:00Z
    expect(formatGoTime(feb29y10000 * 1_000_000_000n, 0)).toBe('9999-03-01T00:00:00Z');
    expect(formatGoTime(ns('0000-03-01T00:00:00Z') - 86_400_000_000_000n, 0)).toBe('0000-02-29T00:00:00Z');
  });

  it('uses the local zone at that instant by default', () => {
    setTimeZone('Europe/Berlin');
    expect(formatGoTime(ns('2024-07-01T12:00:00Z'))).toBe('2024-07-01T14:00:00+02:00');
    expect(formatGoTime(ns('2024-01-01T12:00:00Z', 10n))).toBe('2024-01-01T13:00:00.00000001+01:00');
    setTimeZone('Asia/Kolkata');
    expect(formatGoTime(ns('2024-07-01T12:00:00Z'))).toBe('2024-07-01T17:30:00+05:30');
    setTimeZone('America/St_Johns');
    expect(formatGoTime(ns('2024-01-01T12:00:00Z'))).toBe('2024-01-01T08:30:00-03:30');
    setTimeZone('UTC');
    expect(formatGoTime(ns('2024-07-01T12:00:00Z'))).toBe('2024-07-01T12:00:00Z');
  });

  it('writes what the BigInt formatting writes, in zones with half and quarter hours and around changes', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const tz of ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/Amsterdam']) {
      setTimeZone(tz);
      for (let i = 0; i < 3000; i++) {
        // From year 1 to 9999, with an eye on 1900-2100 and on exact seconds.
        const seconds = i % 3 === 0 ? Math.floor(-62135596800 + next() * 315537897599) : Math.floor(-2208988800 + next() * 6311433600);
        const nanos = i % 4 === 0 ? 0 : Math.floor(next() * 1e9);
        const t = BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
        expect(formatGoTime(t)).toBe(formatAnyGoTime(t));
        expect(formatGoTime(t, 0)).toBe(formatAnyGoTime(t, 0));
      }
      // Every minute across a day with a change (Berlin and Lord Howe: 2021-04-04; St Johns: 2021-03-14).
      const start = BigInt(Date.parse('2021-03-13T00:00:00Z') / 1000);
      for (let m = 0n; m < 60n * 24n * 23n; m += 7n) {
        const t = (start + m * 60n) * 1_000_000_000n + 5n;
        expect(formatGoTime(t)).toBe(formatAnyGoTime(t));
      }
    }
  });
});

describe('parseGoTime', () => {
  it('reads what formatGoTime writes', () => {
    const t = ns('2014-12-22T13:47:59Z', 912418701n);
    expect(parseGoTime('2014-12-22T14:47:59.912418701+01:00')).toBe(t);
    expect(parseGoTime('2014-12-22T13:47:59.912418701Z')).toBe(t);
    for (let i = 0; i < 500; i++) {
      const value = BigInt(Math.floor((Math.random() - 0.3) * 4e18)) + BigInt(i);
      const offset = [0, 60, -300, 330, 765, -570][i % 6];
      expect(parseGoTime(formatGoTime(value, offset))).toBe(value);
    }
  });

  it('accepts 0-9 fraction digits and zone forms RFC 3339 allows', () => {
    expect(parseGoTime('2020-01-01T00:00:00Z')).toBe(ns('2020-01-01T00:00:00Z'));
    expect(parseGoTime('2020-01-01T00:00:00.1Z')).toBe(ns('2020-01-01T00:00:00Z', 100_000_000n));
    expect(parseGoTime('2020-01-01T00:00:00.000000001+00:00')).toBe(ns('2020-01-01T00:00:00Z', 1n));
    expect(parseGoTime('2020-01-01t01:00:00-01:00')).toBe(ns('2020-01-01T02:00:00Z'));
    expect(parseGoTime('2020-01-01T01:00:00z')).toBe(ns('2020-01-01T01:00:00Z'));
    expect(parseGoTime('2020-01-01T00:00:00.1234567891Z')).toBe(ns('2020-01-01T00:00:00Z', 123456789n)); // Go drops extra digits
    expect(parseGoTime('0000-01-01T00:00:00Z')).toBe(ns('0000-01-01T00:00:00Z'));
    expect(parseGoTime('2024-02-29T23:59:59Z')).toBe(ns('2024-02-29T23:59:59Z'));
    for (const ok of ['2024-02-29T23:59:59Z', '2020-01-01T00:00:00.1234567891Z', '2020-01-01t01:00:00-01:00', '0000-01-01T00:00:00+23:59']) expect(isGoTime(ok), ok).toBe(true);
  });

  it('refuses malformed times', () => {
    for (const s of [
      'yesterday', '', '2020-01-01', '2020-01-01T00:00:00', '2020-01-01T00:00:00.Z', '2020-13-01T00:00:00Z', '2020-00-01T00:00:00Z',
      '2023-02-29T00:00:00Z', '2020-04-31T00:00:00Z', '2020-01-01T24:00:00Z', '2020-01-01T00:60:00Z', '2020-01-01T00:00:60Z',
      '2020-01-01T00:00:00+24:00', '2020-01-01T00:00:00+01:60', '2020-01-01T00:00:00+0100', '20-01-01T00:00:00Z', ' 2020-01-01T00:00:00Z',
    ]) {
      expect(() => parseGoTime(s), s).toThrow(LockstepError);
      expect(isGoTime(s), s).toBe(false);
    }
    expect(() => parseGoTime('yesterday')).toThrow(/invalid time/);
  });
});

describe('goTimeSeconds', () => {
  it('gives the microseconds parseGoTime gives, whatever the fraction, zone and year', () => {
    let seed = 11;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const samples = ['1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999999999Z', '2014-12-22T14:47:59.912418701+01:00', '2014-12-22 14:47:59.9z', '2030-02-28T23:59:59.1234567-05:30', '0001-01-01T00:00:00Z'];
    for (let i = 0; i < 4000; i++) {
      const ns = BigInt(Math.floor(-2e9 + next() * 6e9)) * 1_000_000_000n + BigInt(Math.floor(next() * 1e9));
      samples.push(formatGoTime(ns, [0, 60, -330, 345][i % 4]));
    }
    for (const s of samples) expect(goTimeSeconds(s)).toBe(Number(parseGoTime(s) / 1000n) / 1e6);
    expect(() => goTimeSeconds('2014-13-01T00:00:00Z')).toThrow(/invalid time/);
  });
});

