;; Poly1305's bulk loop with WebAssembly SIMD128. The scalar module (poly1305.wat) sets up the key, computes the
;; powers of r this one starts from and absorbs the last (< 64) bytes; both share one memory, which this one imports.
;; Compiling this module fails where WebAssembly has no SIMD128; crypto.ts then uses the scalar module alone.
;;
;; Lanes and limbs. A step takes 64 bytes, four blocks, one per 32-bit lane: lane l gets blocks 4i+l. Every lane
;; keeps its own accumulator mod p = 2^130-5 in ten 13-bit limbs (limb k weighs 2^13k), so a product of two limbs
;; is a 16x16-bit one and i32x4.dot_i16x8_s (one pmaddwd) makes two such products and their sum in every lane.
;; Between steps the limbs are kept in pairs, q_p = limb 2p | limb 2p+1 << 16 (five v128). On the project's x64
;; machine, 26-bit limbs with i64x2.extmul (two blocks per v128, each extmul two shuffles and a pmuludq in V8)
;; measured 1.3x the scalar module's speed; this layout 1.5-2x. Ten limbs is the fewest for which the sums of
;; 16x16-bit products below fit an i32.
;;
;; Powers of r. Each step is h = h*r^4 + m in every lane, so after the last step lane l holds
;; h_l = sum_i m_(4i+l) r^(4(n-1-i)) and the Poly1305 accumulator of all the blocks so far is
;; H = h_0 r^4 + h_1 r^3 + h_2 r^2 + h_3 r; collapse() computes it (one more product, with a different power in
;; each lane) and writes it where the scalar module keeps h, in its 26-bit limbs. A power P comes in as five
;; 26-bit limbs and is split into ten balanced 13-bit limbs P_j (|P_j| <= 4096, P_0 <= 4100). With
;; rho(j) = P_j for j >= 0 and rho(j) = 5 P_(j+10) for j < 0 (2^130 = 5 mod p), limb k of x*P is
;; sum_p dot(q_p, T[k-2p]) where T[t] holds rho(t) | rho(t-1) << 16 in every lane (t = -8..9; 18 v128).
;;
;; Bounds (all in i32 lanes). Carried limbs are 0 <= x < 2^13, except x_1 in [-2^7, 2^13 + 2^7) (it takes the last,
;; signed carry). |rho| <= 5 * 4096 = 20480, so a limb of a product sums to at most
;; (2^13 + 2^7) * (4100 + 9 * 20480) < 2^30.55 in absolute value, and with the message piece (< 2^26) added
;; it stays below 2^30.6 < 2^31. The carry chain 0 -> 1 -> ... -> 9 -> (*5) 0 -> 1 divides by 2^13 with
;; arithmetic shifts (products can be negative): carries are below 2^18, the wrapped one times 5 below 2^20, and the
;; last one, into limb 1, below 2^7. All limbs fit the signed 16-bit halves the next step multiplies; even limbs are
;; never negative, so they can be ORed under their odd neighbours. collapse() adds the four lanes in i64.
;;
;; Memory. From the scalar module's part: h (5 x i64 at 112), written by collapse(), and the powers (at 240: limb j
;; of r^4, r^3, r^2, r as four u32 lanes at 240 + 16j), read by prepare(). This module's area, after the scalar
;; module's 64 KiB message buffer (crypto.ts's MEM_SIMD; 880 bytes, 16-byte v128 slots):
;;   66048  TABLE        18 v128  T[t] for r^4 in all lanes (the steps), T[t] at 66048 + 16(t+8)
;;   66336  TABLE_FINAL  18 v128  T[t] for r^4, r^3, r^2, r in lanes 0..3 (collapse), T[t] at 66336 + 16(t+8)
;;   66624  STATE         5 v128  q_0..q_4
;;   66704  SCRATCH      10 v128  every limb sum d_k of a step is stored here, at 66704 + 16k (see blocks)
;;   66864  CONSTANTS     4 v128  2^13-1; 2^13-1 in both 16-bit halves; 2^26-1; the 2^128 bit (2^24), written by prepare()
;; collapse() zeroes everything before CONSTANTS: the rest is derived from r and the message.
(module
  (import "env" "mem" (memory $mem 2))

  ;; prepare(): the two tables from the powers at 240, the constants, and a zero state. All four powers are split and
  ;; balanced at once, one per lane; the steps' table repeats lane 0 (r^4).
  (func $prepare (export "prepare")
    ;; the ten 13-bit limbs of r^4, r^3, r^2, r (one per lane)
    (local $p_0 v128) (local $p_1 v128) (local $p_2 v128) (local $p_3 v128) (local $p_4 v128) (local $p_5 v128) (local $p_6 v128)
    (local $p_7 v128) (local $p_8 v128) (local $p_9 v128)
    (local $c v128)
    (local $t v128) ;; a copy for times 5: x + (x << 2)
    ;; Split: each 26-bit limb j of the powers into limbs 2j and 2j+1.
    (local.set $p_0 (v128.and (v128.load offset=240 (i32.const 0)) (i32x4.splat (i32.const 0x1fff))))
    (local.set $p_1 (i32x4.shr_u (v128.load offset=240 (i32.const 0)) (i32.const 13)))
    (local.set $p_2 (v128.and (v128.load offset=256 (i32.const 0)) (i32x4.splat (i32.const 0x1fff))))
    (local.set $p_3 (i32x4.shr_u (v128.load offset=256 (i32.const 0)) (i32.const 13)))
    (local.set $p_4 (v128.and (v128.load offset=272 (i32.const 0)) (i32x4.splat (i32.const 0x1fff))))
    (local.set $p_5 (i32x4.shr_u (v128.load offset=272 (i32.const 0)) (i32.const 13)))
    (local.set $p_6 (v128.and (v128.load offset=288 (i32.const 0)) (i32x4.splat (i32.const 0x1fff))))
    (local.set $p_7 (i32x4.shr_u (v128.load offset=288 (i32.const 0)) (i32.const 13)))
    (local.set $p_8 (v128.and (v128.load offset=304 (i32.const 0)) (i32x4.splat (i32.const 0x1fff))))
    (local.set $p_9 (i32x4.shr_u (v128.load offset=304 (i32.const 0)) (i32.const 13)))
    ;; Balance: limb = v - 2^13 c with c = (v + 2^12) >> 13, so that -2^12 <= limb < 2^12; c goes on to the next limb,
    ;; and from limb 9 (times 5, 2^130 = 5 mod p) to limb 0.
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_0) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_0 (i32x4.sub (local.get $p_0) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_1 (i32x4.add (local.get $p_1) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_1) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_1 (i32x4.sub (local.get $p_1) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_2 (i32x4.add (local.get $p_2) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_2) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_2 (i32x4.sub (local.get $p_2) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_3 (i32x4.add (local.get $p_3) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_3) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_3 (i32x4.sub (local.get $p_3) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_4 (i32x4.add (local.get $p_4) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_4) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_4 (i32x4.sub (local.get $p_4) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_5 (i32x4.add (local.get $p_5) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_5) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_5 (i32x4.sub (local.get $p_5) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_6 (i32x4.add (local.get $p_6) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_6) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_6 (i32x4.sub (local.get $p_6) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_7 (i32x4.add (local.get $p_7) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_7) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_7 (i32x4.sub (local.get $p_7) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_8 (i32x4.add (local.get $p_8) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_8) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_8 (i32x4.sub (local.get $p_8) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_9 (i32x4.add (local.get $p_9) (local.get $c)))
    (local.set $c (i32x4.shr_s (i32x4.add (local.get $p_9) (i32x4.splat (i32.const 4096))) (i32.const 13)))
    (local.set $p_9 (i32x4.sub (local.get $p_9) (i32x4.shl (local.get $c) (i32.const 13))))
    (local.set $p_0
      (i32x4.add (local.get $p_0) (i32x4.add (local.tee $t (local.get $c)) (i32x4.shl (local.get $t) (i32.const 2)))))
    ;; The tables: T[t] = rho(t) | rho(t-1) << 16, rho(j) = P_j for j >= 0, 5 P_(j+10) for j < 0; t = -8..9. Each row
    ;; goes to TABLE_FINAL as it is (a power per lane) and to TABLE with lane 0, r^4, in every lane.
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_2)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_1)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66336 (i32.const 0) (local.get $c)) ;; T[-8]
    (v128.store offset=66048 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_3)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_2)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66352 (i32.const 0) (local.get $c)) ;; T[-7]
    (v128.store offset=66064 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_4)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_3)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66368 (i32.const 0) (local.get $c)) ;; T[-6]
    (v128.store offset=66080 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_5)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_4)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66384 (i32.const 0) (local.get $c)) ;; T[-5]
    (v128.store offset=66096 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_6)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_5)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66400 (i32.const 0) (local.get $c)) ;; T[-4]
    (v128.store offset=66112 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_7)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_6)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66416 (i32.const 0) (local.get $c)) ;; T[-3]
    (v128.store offset=66128 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_8)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_7)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66432 (i32.const 0) (local.get $c)) ;; T[-2]
    (v128.store offset=66144 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_9)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_8)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66448 (i32.const 0) (local.get $c)) ;; T[-1]
    (v128.store offset=66160 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_0) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (i32x4.add (local.tee $t (local.get $p_9)) (i32x4.shl (local.get $t) (i32.const 2))) (i32.const 16))))
    (v128.store offset=66464 (i32.const 0) (local.get $c)) ;; T[0]
    (v128.store offset=66176 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_1) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_0) (i32.const 16))))
    (v128.store offset=66480 (i32.const 0) (local.get $c)) ;; T[1]
    (v128.store offset=66192 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_2) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_1) (i32.const 16))))
    (v128.store offset=66496 (i32.const 0) (local.get $c)) ;; T[2]
    (v128.store offset=66208 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_3) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_2) (i32.const 16))))
    (v128.store offset=66512 (i32.const 0) (local.get $c)) ;; T[3]
    (v128.store offset=66224 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_4) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_3) (i32.const 16))))
    (v128.store offset=66528 (i32.const 0) (local.get $c)) ;; T[4]
    (v128.store offset=66240 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_5) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_4) (i32.const 16))))
    (v128.store offset=66544 (i32.const 0) (local.get $c)) ;; T[5]
    (v128.store offset=66256 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_6) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_5) (i32.const 16))))
    (v128.store offset=66560 (i32.const 0) (local.get $c)) ;; T[6]
    (v128.store offset=66272 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_7) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_6) (i32.const 16))))
    (v128.store offset=66576 (i32.const 0) (local.get $c)) ;; T[7]
    (v128.store offset=66288 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_8) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_7) (i32.const 16))))
    (v128.store offset=66592 (i32.const 0) (local.get $c)) ;; T[8]
    (v128.store offset=66304 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or (v128.and (local.get $p_9) (i32x4.splat (i32.const 0xffff))) (i32x4.shl (local.get $p_8) (i32.const 16))))
    (v128.store offset=66608 (i32.const 0) (local.get $c)) ;; T[9]
    (v128.store offset=66320 (i32.const 0) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    ;; The constants, and q = 0.
    (v128.store offset=66864 (i32.const 0) (i32x4.splat (i32.const 0x1fff)))
    (v128.store offset=66880 (i32.const 0) (i32x4.splat (i32.const 0x1fff1fff)))
    (v128.store offset=66896 (i32.const 0) (i32x4.splat (i32.const 0x3ffffff)))
    (v128.store offset=66912 (i32.const 0) (i32x4.splat (i32.const 0x1000000)))
    (v128.store offset=66624 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66640 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66656 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66672 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66688 (i32.const 0) (i32x4.splat (i32.const 0))))

  ;; blocks(ptr, len): absorbs floor(len/64) steps of four blocks (each with the 2^128 bit).
  (func $blocks (export "blocks") (param $ptr i32) (param $len i32)
    (local $end i32)
    (local $q_0 v128) (local $q_1 v128) (local $q_2 v128) (local $q_3 v128) (local $q_4 v128)
    (local $d_0 v128) (local $d_1 v128) (local $d_2 v128) (local $d_3 v128) (local $d_4 v128) (local $d_5 v128) (local $d_6 v128)
    (local $d_7 v128) (local $d_8 v128) (local $d_9 v128)
    ;; T[t] of the table, loaded once a step
    (local $T-8 v128) (local $T-7 v128) (local $T-6 v128) (local $T-5 v128) (local $T-4 v128) (local $T-3 v128) (local $T-2 v128)
    (local $T-1 v128) (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128) (local $T4 v128) (local $T5 v128)
    (local $T6 v128) (local $T7 v128) (local $T8 v128) (local $T9 v128)
    ;; the four blocks, transposed into words (see below)
    (local $block_0 v128) (local $block_1 v128) (local $block_2 v128) (local $block_3 v128)
    (local $half_0 v128) (local $half_1 v128) (local $half_2 v128) (local $half_3 v128)
    (local $word_0 v128) (local $word_1 v128) (local $word_2 v128) (local $word_3 v128)
    (local $c v128)
    ;; q from STATE
    (local.set $q_0 (v128.load offset=66624 (i32.const 0)))
    (local.set $q_1 (v128.load offset=66640 (i32.const 0)))
    (local.set $q_2 (v128.load offset=66656 (i32.const 0)))
    (local.set $q_3 (v128.load offset=66672 (i32.const 0)))
    (local.set $q_4 (v128.load offset=66688 (i32.const 0)))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $step
        (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $ptr)) (i32.const 64)))
        ;; h*r^4 in every lane. d_k = sum_p dot(q_p, T[k-2p]) for the ten limbs, even ones first: T[k-2p] is then shared
        ;; with d_(k+2), so each table row is loaded once (into its local) and kept. Each sum is stored to SCRATCH as
        ;; soon as it is made; without those stores V8's scheduler lifts all the table loads to the top of the loop and
        ;; spills most of them.
        (local.set $d_0
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T0 (v128.load offset=66176 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.tee $T-2 (v128.load offset=66144 (i32.const 0)))))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.tee $T-4 (v128.load offset=66112 (i32.const 0))))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.tee $T-6 (v128.load offset=66080 (i32.const 0))))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.tee $T-8 (v128.load offset=66048 (i32.const 0))))))))
        (v128.store offset=66704 (i32.const 0) (local.get $d_0))
        (local.set $d_2
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T2 (v128.load offset=66208 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T0)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T-2))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T-4))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T-6))))))
        (v128.store offset=66736 (i32.const 0) (local.get $d_2))
        (local.set $d_4
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T4 (v128.load offset=66240 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T2)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T0))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T-2))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T-4))))))
        (v128.store offset=66768 (i32.const 0) (local.get $d_4))
        (local.set $d_6
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T6 (v128.load offset=66272 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T4)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T2))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T0))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T-2))))))
        (v128.store offset=66800 (i32.const 0) (local.get $d_6))
        (local.set $d_8
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T8 (v128.load offset=66304 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T6)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T4))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T2))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T0))))))
        (v128.store offset=66832 (i32.const 0) (local.get $d_8))
        (local.set $d_1
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T1 (v128.load offset=66192 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.tee $T-1 (v128.load offset=66160 (i32.const 0)))))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.tee $T-3 (v128.load offset=66128 (i32.const 0))))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.tee $T-5 (v128.load offset=66096 (i32.const 0))))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.tee $T-7 (v128.load offset=66064 (i32.const 0))))))))
        (v128.store offset=66720 (i32.const 0) (local.get $d_1))
        (local.set $d_3
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T3 (v128.load offset=66224 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T-1))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T-3))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T-5))))))
        (v128.store offset=66752 (i32.const 0) (local.get $d_3))
        (local.set $d_5
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T5 (v128.load offset=66256 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T3)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T1))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T-1))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T-3))))))
        (v128.store offset=66784 (i32.const 0) (local.get $d_5))
        (local.set $d_7
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T7 (v128.load offset=66288 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T5)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T3))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T1))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T-1))))))
        (v128.store offset=66816 (i32.const 0) (local.get $d_7))
        (local.set $d_9
          (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_0) (local.tee $T9 (v128.load offset=66320 (i32.const 0))))
              (i32x4.dot_i16x8_s (local.get $q_1) (local.get $T7)))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $q_2) (local.get $T5))
              (i32x4.add
                (i32x4.dot_i16x8_s (local.get $q_3) (local.get $T3))
                (i32x4.dot_i16x8_s (local.get $q_4) (local.get $T1))))))
        (v128.store offset=66848 (i32.const 0) (local.get $d_9))
        ;; Words 0..3 of the four 16-byte blocks at ptr, transposed: word w of block l is lane l of word_w.
        (local.set $block_0 (v128.load (local.get $ptr)))
        (local.set $block_1 (v128.load offset=16 (local.get $ptr)))
        (local.set $block_2 (v128.load offset=32 (local.get $ptr)))
        (local.set $block_3 (v128.load offset=48 (local.get $ptr)))
        (local.set $half_0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $block_0) (local.get $block_1)))
        (local.set $half_1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $block_2) (local.get $block_3)))
        (local.set $half_2
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $block_0) (local.get $block_1)))
        (local.set $half_3
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $block_2) (local.get $block_3)))
        (local.set $word_0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $half_0) (local.get $half_1)))
        (local.set $word_1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $half_0) (local.get $half_1)))
        (local.set $word_2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $half_2) (local.get $half_3)))
        (local.set $word_3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $half_2) (local.get $half_3)))
        ;; The message: bits 26j..26j+25 of every block (j = 0..4; the last piece has the 2^128 bit), added to limb 2j:
        ;; limb sums have room for 26-bit additions, so the message needs five pieces rather than ten limbs.
        (local.set $d_0 (i32x4.add (local.get $d_0) (v128.and (local.get $word_0) (v128.load offset=66896 (i32.const 0)))))
        (local.set $d_2
          (i32x4.add
            (local.get $d_2)
            (v128.and
              (v128.or (i32x4.shr_u (local.get $word_0) (i32.const 26)) (i32x4.shl (local.get $word_1) (i32.const 6)))
              (v128.load offset=66896 (i32.const 0)))))
        (local.set $d_4
          (i32x4.add
            (local.get $d_4)
            (v128.and
              (v128.or (i32x4.shr_u (local.get $word_1) (i32.const 20)) (i32x4.shl (local.get $word_2) (i32.const 12)))
              (v128.load offset=66896 (i32.const 0)))))
        (local.set $d_6
          (i32x4.add
            (local.get $d_6)
            (v128.and
              (v128.or (i32x4.shr_u (local.get $word_2) (i32.const 14)) (i32x4.shl (local.get $word_3) (i32.const 18)))
              (v128.load offset=66896 (i32.const 0)))))
        (local.set $d_8
          (i32x4.add
            (local.get $d_8)
            (v128.or (i32x4.shr_u (local.get $word_3) (i32.const 8)) (v128.load offset=66912 (i32.const 0)))))
        ;; Carry 0 -> 1 -> ... -> 9 (arithmetic shifts: sums can be negative), leaving limb k in the low 13 bits of d_k;
        ;; the masking is left to the packing below, except for limbs 0 and 1, which take carries after their own has
        ;; gone.
        (local.set $c (i32x4.shr_s (local.get $d_0) (i32.const 13)))
        (local.set $d_1 (i32x4.add (local.get $d_1) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_1) (i32.const 13)))
        (local.set $d_2 (i32x4.add (local.get $d_2) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_2) (i32.const 13)))
        (local.set $d_3 (i32x4.add (local.get $d_3) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_3) (i32.const 13)))
        (local.set $d_4 (i32x4.add (local.get $d_4) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_4) (i32.const 13)))
        (local.set $d_5 (i32x4.add (local.get $d_5) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_5) (i32.const 13)))
        (local.set $d_6 (i32x4.add (local.get $d_6) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_6) (i32.const 13)))
        (local.set $d_7 (i32x4.add (local.get $d_7) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_7) (i32.const 13)))
        (local.set $d_8 (i32x4.add (local.get $d_8) (local.get $c)))
        (local.set $c (i32x4.shr_s (local.get $d_8) (i32.const 13)))
        (local.set $d_9 (i32x4.add (local.get $d_9) (local.get $c)))
        ;; Limb 9's carry times 5 into limb 0, and limb 0's carry into limb 1.
        (local.set $d_0
          (i32x4.add
            (v128.and (local.get $d_0) (v128.load offset=66864 (i32.const 0)))
            (i32x4.add (local.tee $c (i32x4.shr_s (local.get $d_9) (i32.const 13))) (i32x4.shl (local.get $c) (i32.const 2)))))
        (local.set $c (i32x4.shr_s (local.get $d_0) (i32.const 13)))
        (local.set $d_1 (i32x4.add (v128.and (local.get $d_1) (v128.load offset=66864 (i32.const 0))) (local.get $c)))
        ;; q_p = limb 2p | limb 2p+1 << 16. Limb 1 may be negative or just above 13 bits and is used whole. For the
        ;; other pairs the shuffle takes the low 16 bits of each lane of d_2p and the high 16 of d_2p+1 << 16 (one
        ;; pblendw).
        (local.set $q_0
          (v128.or (v128.and (local.get $d_0) (v128.load offset=66864 (i32.const 0))) (i32x4.shl (local.get $d_1) (i32.const 16))))
        (local.set $q_1
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31 (local.get $d_2) (i32x4.shl (local.get $d_3) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $q_2
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31 (local.get $d_4) (i32x4.shl (local.get $d_5) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $q_3
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31 (local.get $d_6) (i32x4.shl (local.get $d_7) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $q_4
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31 (local.get $d_8) (i32x4.shl (local.get $d_9) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 64)))
        (br $step)))
    ;; q back to STATE
    (v128.store offset=66624 (i32.const 0) (local.get $q_0))
    (v128.store offset=66640 (i32.const 0) (local.get $q_1))
    (v128.store offset=66656 (i32.const 0) (local.get $q_2))
    (v128.store offset=66672 (i32.const 0) (local.get $q_3))
    (v128.store offset=66688 (i32.const 0) (local.get $q_4)))

  ;; collapse(): H = h_0 r^4 + h_1 r^3 + h_2 r^2 + h_3 r, as five carried 26-bit limbs at 112 (the scalar module's h),
  ;; then zeroes the tables, state and scratch (key material). The lane sums D_k (below 2^32.6 in absolute value) become
  ;; 26-bit limbs e_j = D_2j + 2^13 D_(2j+1) (below 2^45.6), plus the limbs of 2^20 p (at least 2^46 each) so that none
  ;; is negative; then one unsigned carry chain.
  (func $collapse (export "collapse")
    (local $d_0 v128) (local $d_1 v128) (local $d_2 v128) (local $d_3 v128) (local $d_4 v128) (local $d_5 v128) (local $d_6 v128)
    (local $d_7 v128) (local $d_8 v128) (local $d_9 v128)
    (local $T-8 v128) (local $T-7 v128) (local $T-6 v128) (local $T-5 v128) (local $T-4 v128) (local $T-3 v128) (local $T-2 v128)
    (local $T-1 v128) (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128) (local $T4 v128) (local $T5 v128)
    (local $T6 v128) (local $T7 v128) (local $T8 v128) (local $T9 v128)
    (local $e_0 i64) (local $e_1 i64) (local $e_2 i64) (local $e_3 i64) (local $e_4 i64)
    (local $c i64)
    ;; q times TABLE_FINAL: a different power in every lane. d_k = sum_p dot(q_p, T[k-2p]) for the ten limbs, even ones
    ;; first: T[k-2p] is then shared with d_(k+2), so each table row is loaded once (into its local) and kept.
    (local.set $d_0
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T0 (v128.load offset=66464 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.tee $T-2 (v128.load offset=66432 (i32.const 0)))))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.tee $T-4 (v128.load offset=66400 (i32.const 0))))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.tee $T-6 (v128.load offset=66368 (i32.const 0))))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.tee $T-8 (v128.load offset=66336 (i32.const 0))))))))
    (v128.store offset=66704 (i32.const 0) (local.get $d_0))
    (local.set $d_2
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T2 (v128.load offset=66496 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T0)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T-2))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T-4))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T-6))))))
    (v128.store offset=66736 (i32.const 0) (local.get $d_2))
    (local.set $d_4
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T4 (v128.load offset=66528 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T2)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T0))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T-2))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T-4))))))
    (v128.store offset=66768 (i32.const 0) (local.get $d_4))
    (local.set $d_6
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T6 (v128.load offset=66560 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T4)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T2))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T0))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T-2))))))
    (v128.store offset=66800 (i32.const 0) (local.get $d_6))
    (local.set $d_8
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T8 (v128.load offset=66592 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T6)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T4))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T2))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T0))))))
    (v128.store offset=66832 (i32.const 0) (local.get $d_8))
    (local.set $d_1
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T1 (v128.load offset=66480 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.tee $T-1 (v128.load offset=66448 (i32.const 0)))))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.tee $T-3 (v128.load offset=66416 (i32.const 0))))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.tee $T-5 (v128.load offset=66384 (i32.const 0))))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.tee $T-7 (v128.load offset=66352 (i32.const 0))))))))
    (v128.store offset=66720 (i32.const 0) (local.get $d_1))
    (local.set $d_3
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T3 (v128.load offset=66512 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T1)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T-1))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T-3))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T-5))))))
    (v128.store offset=66752 (i32.const 0) (local.get $d_3))
    (local.set $d_5
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T5 (v128.load offset=66544 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T3)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T1))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T-1))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T-3))))))
    (v128.store offset=66784 (i32.const 0) (local.get $d_5))
    (local.set $d_7
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T7 (v128.load offset=66576 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T5)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T3))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T1))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T-1))))))
    (v128.store offset=66816 (i32.const 0) (local.get $d_7))
    (local.set $d_9
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66624 (i32.const 0)) (local.tee $T9 (v128.load offset=66608 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T7)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T5))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T3))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T1))))))
    (v128.store offset=66848 (i32.const 0) (local.get $d_9))
    ;; e_j = the four lanes of d_2j + 2^13 times those of d_2j+1, + limb j of 2^20 p
    (local.set $e_0
      (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_0)))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_0))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_0))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_0))))
      (i64.add
        (i64.shl
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_1)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_1))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_1))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_1))))
          (i64.const 13)))
      (i64.add (i64.const 0x3fffffb00000))) ;; limb 0 of 2^20 p: (2^26 - 5) 2^20
    (local.set $e_1
      (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_2)))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_2))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_2))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_2))))
      (i64.add
        (i64.shl
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_3)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_3))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_3))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_3))))
          (i64.const 13)))
      (i64.add (i64.const 0x3ffffff00000))) ;; limb j of 2^20 p: (2^26 - 1) 2^20
    (local.set $e_2
      (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_4)))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_4))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_4))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_4))))
      (i64.add
        (i64.shl
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_5)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_5))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_5))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_5))))
          (i64.const 13)))
      (i64.add (i64.const 0x3ffffff00000))) ;; limb j of 2^20 p: (2^26 - 1) 2^20
    (local.set $e_3
      (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_6)))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_6))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_6))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_6))))
      (i64.add
        (i64.shl
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_7)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_7))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_7))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_7))))
          (i64.const 13)))
      (i64.add (i64.const 0x3ffffff00000))) ;; limb j of 2^20 p: (2^26 - 1) 2^20
    (local.set $e_4
      (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_8)))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_8))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_8))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_8))))
      (i64.add
        (i64.shl
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_9)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_9))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_9))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_9))))
          (i64.const 13)))
      (i64.add (i64.const 0x3ffffff00000))) ;; limb j of 2^20 p: (2^26 - 1) 2^20
    ;; Carry 0 -> ... -> 4 -> (*5) 0 -> 1, and H to the scalar module's h.
    (local.set $c (i64.shr_u (local.get $e_0) (i64.const 26)))
    (local.set $e_0 (i64.and (local.get $e_0) (i64.const 0x3ffffff)))
    (local.set $e_1 (i64.add (local.get $e_1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $e_1) (i64.const 26)))
    (local.set $e_1 (i64.and (local.get $e_1) (i64.const 0x3ffffff)))
    (local.set $e_2 (i64.add (local.get $e_2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $e_2) (i64.const 26)))
    (local.set $e_2 (i64.and (local.get $e_2) (i64.const 0x3ffffff)))
    (local.set $e_3 (i64.add (local.get $e_3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $e_3) (i64.const 26)))
    (local.set $e_3 (i64.and (local.get $e_3) (i64.const 0x3ffffff)))
    (local.set $e_4 (i64.add (local.get $e_4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $e_4) (i64.const 26)))
    (local.set $e_4 (i64.and (local.get $e_4) (i64.const 0x3ffffff)))
    (local.set $e_0 (i64.add (local.get $e_0) (i64.add (local.get $c) (i64.shl (local.get $c) (i64.const 2)))))
    (local.set $c (i64.shr_u (local.get $e_0) (i64.const 26)))
    (local.set $e_0 (i64.and (local.get $e_0) (i64.const 0x3ffffff)))
    (local.set $e_1 (i64.add (local.get $e_1) (local.get $c)))
    (i64.store offset=112 (i32.const 0) (local.get $e_0))
    (i64.store offset=120 (i32.const 0) (local.get $e_1))
    (i64.store offset=128 (i32.const 0) (local.get $e_2))
    (i64.store offset=136 (i32.const 0) (local.get $e_3))
    (i64.store offset=144 (i32.const 0) (local.get $e_4))
    ;; Zero TABLE, TABLE_FINAL, STATE and SCRATCH.
    (v128.store offset=66048 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66064 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66080 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66096 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66112 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66128 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66144 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66160 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66176 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66192 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66208 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66224 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66240 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66256 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66272 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66288 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66304 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66320 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66336 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66352 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66368 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66384 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66400 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66416 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66432 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66448 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66464 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66480 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66496 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66512 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66528 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66544 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66560 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66576 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66592 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66608 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66624 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66640 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66656 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66672 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66688 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66704 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66720 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66736 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66752 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66768 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66784 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66800 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66816 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66832 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66848 (i32.const 0) (i32x4.splat (i32.const 0)))))
