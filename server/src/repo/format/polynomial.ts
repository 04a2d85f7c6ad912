import { randomBytes } from 'node:crypto';
import { LockstepError } from '../../base/errors';

/** A polynomial over GF(2), bit i = coefficient of x^i. */
export type Polynomial = bigint;

export function degree(p: Polynomial): number {
  return p === 0n ? -1 : p.toString(2).length - 1;
}

export function polyMod(x: Polynomial, m: Polynomial): Polynomial {
  const dm = degree(m);
  let dx = degree(x);
  while (dx >= dm) {
    x ^= m << BigInt(dx - dm);
    dx = degree(x);
  }
  return x;
}

function polyMulMod(a: Polynomial, b: Polynomial, m: Polynomial): Polynomial {
  let result = 0n;
  a = polyMod(a, m);
  while (b > 0n) {
    if (b & 1n) result ^= a;
    b >>= 1n;
    a <<= 1n;
    if (degree(a) >= degree(m)) a ^= m;
  }
  return result;
}

function polyGcd(a: Polynomial, b: Polynomial): Polynomial {
  while (b !== 0n) [a, b] = [b, polyMod(a, b)];
  return a;
}

/** Ben-Or's test: irreducible iff gcd(P, x^(2^i) − x mod P) = 1 for i = 1..deg/2. */
export function isIrreducible(p: Polynomial): boolean {
  const d = degree(p);
  if (d < 1) return false;
  let power = 2n; // x
  for (let i = 1; i <= Math.floor(d / 2); i++) {
    power = polyMulMod(power, power, p); // x^(2^i)
    if (polyGcd(p, power ^ 2n) !== 1n) return false;
  }
  return true;
}

/** A random irreducible polynomial of degree 53, drawn the way restic draws one for a new repository. */
export function randomIrreduciblePolynomial(): Polynomial {
  for (let tries = 0; tries < 1_000_000; tries++) {
    let p = randomBytes(8).readBigUInt64LE();
    p &= (1n << 54n) - 1n;
    p |= (1n << 53n) | 1n;
    if (degree(p) === 53 && isIrreducible(p)) return p;
  }
  throw new LockstepError('could not find an irreducible polynomial for the chunker');
}

export function polynomialToHex(p: Polynomial): string {
  return p.toString(16);
}

export function polynomialFromHex(hex: string): Polynomial {
  if (!/^(0x)?[0-9a-fA-F]{1,16}$/.test(hex)) throw new LockstepError(`invalid chunker polynomial "${hex}": not a hex number`);
  const p = BigInt(hex.startsWith('0x') ? hex : `0x${hex}`);
  if (degree(p) !== 53) throw new LockstepError(`invalid chunker polynomial "${hex}": its degree is ${degree(p)}, not 53`);
  if (!isIrreducible(p)) throw new LockstepError(`invalid chunker polynomial "${hex}": it is reducible`);
  return p;
}
