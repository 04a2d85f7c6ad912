// Poly1305's bulk loop as a WebAssembly SIMD128 module. crypto.ts has the scalar module, which sets up the key,
// computes the powers of r this one starts from and absorbs the last (< 64) bytes; both share one memory.
//
// Lanes and limbs. A step takes 64 bytes, four blocks, one per 32-bit lane: lane l gets blocks 4i+l. Every lane
// keeps its own accumulator mod p = 2^130-5 in ten 13-bit limbs (limb k weighs 2^13k), so a product of two limbs
// is a 16x16-bit one and i32x4.dot_i16x8_s (one pmaddwd) makes two such products and their sum in every lane.
// Between steps the limbs are kept in pairs, q_p = limb 2p | limb 2p+1 << 16 (five v128). On the project's x64
// machine, 26-bit limbs with i64x2.extmul (two blocks per v128, each extmul two shuffles and a pmuludq in V8)
// measured 1.3x the scalar module's speed; this layout 1.5-2x. Ten limbs is the fewest for which the sums of
// 16x16-bit products below fit an i32.
//
// Powers of r. Each step is h = h*r^4 + m in every lane, so after the last step lane l holds
// h_l = sum_i m_(4i+l) r^(4(n-1-i)) and the Poly1305 accumulator of all the blocks so far is
// H = h_0 r^4 + h_1 r^3 + h_2 r^2 + h_3 r; collapse() computes it (one more product, with a different power in
// each lane) and writes it where the scalar module keeps h, in its 26-bit limbs. A power P comes in as five
// 26-bit limbs and is split into ten balanced 13-bit limbs P_j (|P_j| <= 4096, P_0 <= 4100). With
// rho(j) = P_j for j >= 0 and rho(j) = 5 P_(j+10) for j < 0 (2^130 = 5 mod p), limb k of x*P is
// sum_p dot(q_p, T[k-2p]) where T[t] holds rho(t) | rho(t-1) << 16 in every lane (t = -8..9; 18 v128).
//
// Bounds (all in i32 lanes). Carried limbs are 0 <= x < 2^13, except x_1 in [-2^7, 2^13 + 2^7) (it takes the last,
// signed carry). |rho| <= 5 * 4096 = 20480, so a limb of a product sums to at most
// (2^13 + 2^7) * (4100 + 9 * 20480) < 2^30.55 in absolute value, and with the message piece (< 2^26) added
// it stays below 2^30.6 < 2^31. The carry chain 0 -> 1 -> ... -> 9 -> (*5) 0 -> 1 divides by 2^13 with
// arithmetic shifts (products can be negative): carries are below 2^18, the wrapped one times 5 below 2^20, and the
// last one, into limb 1, below 2^7. All limbs fit the signed 16-bit halves the next step multiplies; even limbs are
// never negative, so they can be ORed under their odd neighbours. collapse() adds the four lanes in i64.
//
// Memory (offsets from `layout.area`, 16-byte v128 slots), next to the scalar module's:
//   TABLE        18 v128   T[t] for r^4 in all lanes (the steps)
//   TABLE_FINAL  18 v128   T[t] for r^4, r^3, r^2, r in lanes 0..3 (collapse)
//   STATE         5 v128   q_0..q_4
//   SCRATCH      10 v128   every limb sum of a step is stored here; see limbSums
//   CONSTANTS     4 v128   masks and the 2^128 bit, written by prepare()
// collapse() zeroes everything before CONSTANTS: the rest is derived from r and the message.
// `layout.powers` holds r^4, r^3, r^2, r as five rows of four u32 lanes (26-bit limbs), written by the scalar
// module; collapse() writes the accumulator as five i64 26-bit limbs at `layout.h`.
import { add32, Bytes, flat, func, get, i32, i64, load128, ltU32, name, op, section, set, simd, store128, sub32, tee, uleb, vec } from './wasm';

export interface Poly1305SimdLayout {
  /** Input of prepare(): limb j of r^4, r^3, r^2, r at powers + 16j + 4*lane (u32). */
  readonly powers: number;
  /** Output of collapse(): the accumulator as five i64 26-bit limbs. */
  readonly h: number;
  /** Start of the POLY1305_SIMD_AREA_BYTES this module keeps its tables and state in. */
  readonly area: number;
  /** Pages of the shared memory (imported as env.mem). */
  readonly pages: number;
}

const TABLE = 0;
const TABLE_FINAL = TABLE + 18 * 16;
const STATE = TABLE_FINAL + 18 * 16;
const SCRATCH = STATE + 5 * 16;
const CONSTANTS = SCRATCH + 10 * 16;
/** Bytes of memory the module uses at layout.area. */
export const POLY1305_SIMD_AREA_BYTES = CONSTANTS + 4 * 16;
/** blocks() takes whole steps of this many bytes. */
export const POLY1305_SIMD_STEP = 64;

const I32 = 0x7f;
const V128 = 0x7b;
const LIMBS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const PAIRS = [0, 1, 2, 3, 4];
const M13 = 0x1fff;
const M26 = 0x3ffffff;
/** What prepare() writes to the CONSTANTS slots, each value in all four lanes. */
const CONSTANT_VALUES = [M13, 0x1fff1fff, M26, 1 << 24];
const [K_M13, K_M13_PAIR, K_M26, K_HIBIT] = [0, 1, 2, 3];

const add64 = op(0x7c);
const and64 = op(0x83);
const shl64 = op(0x86);
const shrU64 = op(0x88);
const extendS = (e: Bytes): number[] => flat(e, 0xac); // i64.extend_i32_s
const store64 = (offset: number, v: Bytes): number[] => flat(i32(0), v, 0x37, 3, uleb(offset));
/** `block { loop { br_if 1 (exitCondition); body; br 0 } }` */
const whileNot = (exitCondition: Bytes, body: Bytes): number[] => flat(0x02, 0x40, 0x03, 0x40, exitCondition, 0x0d, 1, body, 0x0c, 0, 0x0b, 0x0b);

const and128 = op(...simd(0x4e));
const or128 = op(...simd(0x50));
const add32x4 = op(...simd(0xae));
const sub32x4 = op(...simd(0xb1));
const dot16 = op(...simd(0xba)); // i32x4.dot_i16x8_s
const shl32x4 = (v: Bytes, bits: number): number[] => flat(v, i32(bits), simd(0xab));
const shrS32x4 = (v: Bytes, bits: number): number[] => flat(v, i32(bits), simd(0xac));
const shrU32x4 = (v: Bytes, bits: number): number[] => flat(v, i32(bits), simd(0xad));
const splat32 = (v: number): number[] => flat(i32(v), simd(0x11));
const lane32 = (v: Bytes, lane: number): number[] => flat(v, simd(0x1b, lane));
const times5 = (v: Bytes, copy: number): number[] => add32x4(flat(v, tee(copy)), shl32x4(get(copy), 2));
/** i8x16.shuffle of whole 32-bit words: word i of the result is word words[i] of a (0-3) or b (4-7). */
const shuffleWords = (a: Bytes, b: Bytes, words: number[]): number[] => flat(a, b, simd(0x0d, words.flatMap((w) => [0, 1, 2, 3].map((x) => 4 * w + x))));
/** The low 16 bits of every lane of a, the high 16 of b (one pblendw). */
const blend16 = (a: Bytes, b: Bytes): number[] => flat(a, b, simd(0x0d, [0, 1, 2, 3].flatMap((l) => [4 * l, 4 * l + 1, 16 + 4 * l + 2, 16 + 4 * l + 3])));
const sum = (xs: Bytes[]): Bytes => (xs.length === 1 ? xs[0] : add32x4(sum(xs.slice(0, xs.length >> 1)), sum(xs.slice(xs.length >> 1))));

/** Addresses inside the module's area. */
function areaAccess(area: number) {
  const at = (offset: number): Bytes => load128(i32(0), area + offset);
  return {
    table: (t: number): Bytes => at(TABLE + 16 * (t + 8)),
    finalTable: (t: number): Bytes => at(TABLE_FINAL + 16 * (t + 8)),
    pair: (p: number): Bytes => at(STATE + 16 * p),
    constant: (k: number): Bytes => at(CONSTANTS + 16 * k),
    store: (offset: number, v: Bytes): Bytes => store128(i32(0), area + offset, v),
  };
}
type Area = ReturnType<typeof areaAccess>;

/**
 * d_k = sum_p dot(q_p, T[k-2p]) for the ten limbs, even ones first: T[k-2p] is then shared with d_(k+2), so each
 * table row is loaded once (into `rows`) and kept. Each sum is stored to SCRATCH as soon as it is made; without
 * those stores V8's scheduler lifts all the table loads to the top of the loop and spills most of them.
 */
function limbSums(q: (p: number) => Bytes, row: (t: number) => Bytes, rows: number[], d: number[], area: Area): Bytes {
  const loaded = new Set<number>();
  const tableRow = (t: number): Bytes => {
    if (loaded.has(t)) return get(rows[t + 8]);
    loaded.add(t);
    return flat(row(t), tee(rows[t + 8]));
  };
  return [0, 2, 4, 6, 8, 1, 3, 5, 7, 9].map((k) => [
    set(d[k], sum(PAIRS.map((p) => dot16(q(p), tableRow(k - 2 * p))))),
    area.store(SCRATCH + 16 * k, get(d[k])),
  ]);
}

/** Words 0..3 of the four 16-byte blocks at ptr, transposed: word w of block l is lane l of words[w]. */
function loadWords(ptr: number, blocks: number[], lowHalves: number[], words: number[]): Bytes {
  const pairs = (a: number, b: number, wordsOf: number[]): Bytes => shuffleWords(get(blocks[a]), get(blocks[b]), wordsOf);
  return [
    blocks.map((l, i) => set(l, load128(get(ptr), 16 * i))),
    set(lowHalves[0], pairs(0, 1, [0, 4, 1, 5])),
    set(lowHalves[1], pairs(2, 3, [0, 4, 1, 5])),
    set(lowHalves[2], pairs(0, 1, [2, 6, 3, 7])),
    set(lowHalves[3], pairs(2, 3, [2, 6, 3, 7])),
    set(words[0], shuffleWords(get(lowHalves[0]), get(lowHalves[1]), [0, 1, 4, 5])),
    set(words[1], shuffleWords(get(lowHalves[0]), get(lowHalves[1]), [2, 3, 6, 7])),
    set(words[2], shuffleWords(get(lowHalves[2]), get(lowHalves[3]), [0, 1, 4, 5])),
    set(words[3], shuffleWords(get(lowHalves[2]), get(lowHalves[3]), [2, 3, 6, 7])),
  ];
}

/**
 * Bits 26j..26j+25 of every block (j = 0..4; the last piece has the 2^128 bit), added to limb 2j: limb sums have
 * room for 26-bit additions, so the message needs five pieces rather than ten limbs.
 */
function addMessage(words: number[], d: number[], area: Area): Bytes {
  const piece = (j: number): Bytes => {
    if (j === 0) return and128(get(words[0]), area.constant(K_M26));
    if (j === 4) return or128(shrU32x4(get(words[3]), 8), area.constant(K_HIBIT));
    return and128(or128(shrU32x4(get(words[j - 1]), 32 - 6 * j), shl32x4(get(words[j]), 6 * j)), area.constant(K_M26));
  };
  return PAIRS.map((j) => set(d[2 * j], add32x4(get(d[2 * j]), piece(j))));
}

/**
 * Carries the limb sums d (see the header), leaving limb k in the low 13 bits of d_k: the masking is left to
 * packPairs, except for limbs 0 and 1, which take carries after their own carry has gone.
 */
function carryLimbs(d: number[], c: number, area: Area): Bytes {
  const carryInto = (from: number, to: number): Bytes => [set(c, shrS32x4(get(d[from]), 13)), set(d[to], add32x4(get(d[to]), get(c)))];
  const masked = (k: number): Bytes => and128(get(d[k]), area.constant(K_M13));
  return [
    [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => carryInto(k, k + 1)),
    set(d[0], add32x4(masked(0), times5(shrS32x4(get(d[9]), 13), c))),
    set(c, shrS32x4(get(d[0]), 13)),
    set(d[1], add32x4(masked(1), get(c))),
  ];
}

/** q_p = limb 2p | limb 2p+1 << 16. Limb 1 may be negative or just above 13 bits and is used whole. */
function packPairs(d: number[], q: number[], area: Area): Bytes {
  return PAIRS.map((p) => {
    const high = shl32x4(get(d[2 * p + 1]), 16);
    const pair = p === 0 ? or128(and128(get(d[0]), area.constant(K_M13)), high) : and128(blend16(get(d[2 * p]), high), area.constant(K_M13_PAIR));
    return set(q[p], pair);
  });
}

/** blocks(ptr, len): absorbs floor(len/64) steps of four blocks (each with the 2^128 bit). */
function blocksFunction(area: Area): number[] {
  return func(2, (local) => {
    const [ptr, len] = [0, 1];
    const end = local(I32);
    const q = PAIRS.map(() => local(V128));
    const d = LIMBS.map(() => local(V128));
    const rows = Array.from({ length: 18 }, () => local(V128));
    const blocks = [0, 1, 2, 3].map(() => local(V128));
    const lowHalves = [0, 1, 2, 3].map(() => local(V128));
    const words = [0, 1, 2, 3].map(() => local(V128));
    const c = local(V128);
    const step = [
      limbSums((p) => get(q[p]), area.table, rows, d, area),
      loadWords(ptr, blocks, lowHalves, words),
      addMessage(words, d, area),
      carryLimbs(d, c, area),
      packPairs(d, q, area),
    ];
    return [
      q.map((l, p) => set(l, area.pair(p))),
      set(end, add32(get(ptr), get(len))),
      whileNot(ltU32(sub32(get(end), get(ptr)), i32(POLY1305_SIMD_STEP)), [step, set(ptr, add32(get(ptr), i32(POLY1305_SIMD_STEP)))]),
      q.map((l, p) => area.store(STATE + 16 * p, get(l))),
    ];
  });
}

/**
 * prepare(): the two tables from the powers at layout.powers, the constants, and a zero state. All four powers
 * are split and balanced at once, one per lane; the steps' table repeats lane 0 (r^4).
 */
function prepareFunction(layout: Poly1305SimdLayout, area: Area): number[] {
  return func(0, (local) => {
    const limbs = LIMBS.map(() => local(V128));
    const c = local(V128);
    const copy = local(V128);
    const power26 = (j: number): Bytes => load128(i32(0), layout.powers + 16 * j);
    const split = PAIRS.map((j) => [
      set(limbs[2 * j], and128(power26(j), splat32(M13))),
      set(limbs[2 * j + 1], shrU32x4(power26(j), 13)),
    ]);
    // limb = v - 2^13 c with c = (v + 2^12) >> 13, so that -2^12 <= limb < 2^12; c goes on to the next limb.
    const balance = LIMBS.map((k) => [
      k > 0 ? set(limbs[k], add32x4(get(limbs[k]), get(c))) : [],
      set(c, shrS32x4(add32x4(get(limbs[k]), splat32(1 << 12)), 13)),
      set(limbs[k], sub32x4(get(limbs[k]), shl32x4(get(c), 13))),
    ]);
    const wrap = set(limbs[0], add32x4(get(limbs[0]), times5(get(c), copy)));
    const rho = (j: number): Bytes => (j >= 0 ? get(limbs[j]) : times5(get(limbs[j + 10]), copy));
    const lane0Everywhere = (v: Bytes): Bytes => shuffleWords(v, v, [0, 0, 0, 0]);
    const tables = Array.from({ length: 18 }, (_, i) => i - 8).map((t) => [
      set(c, or128(and128(rho(t), splat32(0xffff)), shl32x4(rho(t - 1), 16))),
      area.store(TABLE_FINAL + 16 * (t + 8), get(c)),
      area.store(TABLE + 16 * (t + 8), lane0Everywhere(get(c))),
    ]);
    return [
      split,
      balance,
      wrap,
      tables,
      CONSTANT_VALUES.map((v, k) => area.store(CONSTANTS + 16 * k, splat32(v))),
      PAIRS.map((p) => area.store(STATE + 16 * p, splat32(0))),
    ];
  });
}

/**
 * collapse(): H = h_0 r^4 + h_1 r^3 + h_2 r^2 + h_3 r, as five carried 26-bit limbs at layout.h, then zeroes the
 * tables, state and scratch (key material). The lane sums D_k (below 2^32.6 in absolute value) become 26-bit limbs
 * e_j = D_2j + 2^13 D_(2j+1) (below 2^45.6), plus the limbs of 2^20 p (at least 2^46 each) so that none is
 * negative; then one unsigned carry chain.
 */
function collapseFunction(layout: Poly1305SimdLayout, area: Area): number[] {
  return func(0, (local) => {
    const d = LIMBS.map(() => local(V128));
    const rows = Array.from({ length: 18 }, () => local(V128));
    const e = PAIRS.map(() => local());
    const c = local();
    const laneSum = (v: number): Bytes => [0, 1, 2, 3].map((l) => extendS(lane32(get(v), l))).reduce((a, b) => add64(a, b));
    const pLimb = (j: number): number => (j === 0 ? M26 - 4 : M26);
    const carryTo = (j: number): Bytes => [set(c, shrU64(get(e[j]), i64(26))), set(e[j], and64(get(e[j]), i64(M26)))];
    return [
      limbSums(area.pair, area.finalTable, rows, d, area),
      PAIRS.map((j) => set(e[j], add64(add64(laneSum(d[2 * j]), shl64(laneSum(d[2 * j + 1]), i64(13))), i64(pLimb(j) * 2 ** 20)))),
      [0, 1, 2, 3].map((j) => [carryTo(j), set(e[j + 1], add64(get(e[j + 1]), get(c)))]),
      carryTo(4),
      set(e[0], add64(get(e[0]), add64(get(c), shl64(get(c), i64(2))))),
      carryTo(0),
      set(e[1], add64(get(e[1]), get(c))),
      e.map((l, j) => store64(layout.h + 8 * j, get(l))),
      Array.from({ length: CONSTANTS / 16 }, (_, i) => area.store(16 * i, splat32(0))),
    ];
  });
}

/**
 * The module: imports env.mem (layout.pages pages) and exports prepare(), blocks(ptr, len) and collapse().
 * Compiling it fails where WebAssembly has no SIMD128.
 */
export function buildPoly1305SimdWasm(layout: Poly1305SimdLayout): Uint8Array {
  const area = areaAccess(layout.area);
  return new Uint8Array(
    flat(
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
      section(1, vec([[0x60, 0, 0], [0x60, 2, I32, I32, 0]])), // types: () -> (), (i32, i32) -> ()
      section(2, vec([[name('env'), name('mem'), 0x02, 0x00, uleb(layout.pages)]])), // imports: memory, at least `pages`
      section(3, vec([0, 1, 0])), // prepare, blocks, collapse
      section(7, vec([[name('prepare'), 0x00, 0], [name('blocks'), 0x00, 1], [name('collapse'), 0x00, 2]])),
      section(10, vec([prepareFunction(layout, area), blocksFunction(area), collapseFunction(layout, area)])),
    ),
  );
}
