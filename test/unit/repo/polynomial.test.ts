import { describe, expect, it } from 'vitest';
import { degree, isIrreducible, polynomialFromHex, polynomialToHex, randomIrreduciblePolynomial } from '../../../server/src/repo/format/polynomial';

describe('chunker polynomials', () => {
  it('recognises irreducible and reducible polynomials', () => {
    for (const p of ['3da3358b4dc173', '25b468838dcb75', '303a920211dbfd', '249971770ab0ff', '320726ef8b8955', '384b4ee69c10f5']) {
      expect(isIrreducible(BigInt(`0x${p}`))).toBe(true);
    }
    for (const p of ['3da3358b4dc171', '20000000000001']) expect(isIrreducible(BigInt(`0x${p}`))).toBe(false);
  });

  it('draws random irreducible polynomials of degree 53', () => {
    for (let i = 0; i < 3; i++) {
      const p = randomIrreduciblePolynomial();
      expect(degree(p)).toBe(53);
      expect(isIrreducible(p)).toBe(true);
      expect(polynomialFromHex(polynomialToHex(p))).toBe(p);
    }
  });

  it('hex without 0x or leading zeros, as restic writes it', () => {
    expect(polynomialToHex(0x3da3358b4dc173n)).toBe('3da3358b4dc173');
  });

  it('refuses bad polynomials with a clear message', () => {
    expect(() => polynomialFromHex('xyz')).toThrow(/not a hex number/);
    expect(() => polynomialFromHex('3da3358b4dc171')).toThrow(/reducible/);
    expect(() => polynomialFromHex('ff')).toThrow(/degree is 7, not 53/);
  });
});
