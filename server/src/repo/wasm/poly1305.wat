;; Poly1305 (RFC 8439 §2.5), the scalar module. crypto.ts runs it for every message; for long ones it runs around
;; the SIMD module (poly1305-simd.wat), which takes the bulk of the message four blocks at a time.
;;
;; Exports: mem; init() reads the 32-byte key at 0, clamps r and computes r^2; blocks(ptr, len, hibit) absorbs
;; floor(len/16) blocks; finish() writes the tag at 96; powers() computes r^3 and r^4 and writes the four powers at
;; 240 for the SIMD module.
;;
;; Arithmetic is poly1305-donna-32 style: h and r in five 26-bit limbs held in i64 (limb i weighs 2^26i), products
;; summed in i64. Limb i of a*b mod p (p = 2^130 - 5) is the sum of a_j b_(i-j); where i-j < 0 the product has gone
;; past 2^130, which is 5 mod p, so the term is a_j * 5 b_(i-j+5): the s_k below are 5 r_k. A carry pass takes each
;; limb's bits above 26 into the next, limb 4's (times 5) into limb 0, and limb 0's once more into limb 1.
;; Bounds: limbs after a carry pass are < 2^26.01 (x = h + m < 2^27.01), 5*r limbs < 2^28.34, so one step's ten
;; products per limb stay < 2^58.3. The main loop does two blocks per step, h' = (h + m1)*r^2 + m2*r, which gives
;; the CPU two independent multiply chains and halves the carry passes (three or four ways measured slower:
;; register spills).
;;
;; Memory (2 pages, shared with the SIMD module, which imports it; crypto.ts has the offsets it uses):
;;     0  32 bytes     the key: r || s (r is clamped as it is read)
;;    32  64 bytes     crypto.ts's unfinished block (or SIMD step); the final block is padded there
;;    96  16 bytes     the tag, written by finish()
;;   112  5 x i64      h, the accumulator (the SIMD module's collapse() writes it too)
;;   152  5 x i64      r
;;   192  5 x i64      r^2 mod p
;;   240  5 x 4 x u32  limb j of r^4, r^3, r^2, r at 240 + 16j + 0, 4, 8, 12 (powers(), for the SIMD module)
;;   512  64 KiB       the message, a piece at a time (crypto.ts); the SIMD module's area follows, at 66048
(module
  (memory $mem (export "mem") 2)

  ;; init(): r from the key, clamped; r^2; h = 0.
  (func $init (export "init")
    (local $d_0 i64) (local $d_1 i64) (local $d_2 i64) (local $d_3 i64) (local $d_4 i64)
    (local $r2_0 i64) (local $r2_1 i64) (local $r2_2 i64) (local $r2_3 i64) (local $r2_4 i64)
    (local $c i64)
    ;; r's five 26-bit limbs from the 16 key bytes at 0 (limb i is bits 26i.. of the little-endian number, from the
    ;; 32-bit word at byte 3.25i). Masking the limbs with these constants is exactly Poly1305's clamp.
    (i64.store offset=152 (i32.const 0) (i64.and (i64.load32_u (i32.const 0)) (i64.const 0x3ffffff)))
    (i64.store offset=160 (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=3 (i32.const 0)) (i64.const 2)) (i64.const 0x3ffff03)))
    (i64.store offset=168 (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=6 (i32.const 0)) (i64.const 4)) (i64.const 0x3ffc0ff)))
    (i64.store offset=176 (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=9 (i32.const 0)) (i64.const 6)) (i64.const 0x3f03fff)))
    (i64.store offset=184 (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=12 (i32.const 0)) (i64.const 8)) (i64.const 0xfffff)))
    ;; r^2 = r * r, limb by limb (the products of limb i, then one carry pass)
    (local.set $d_0
      (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=152 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=160 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=168 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=176 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=160 (i32.const 0)) (i64.const 5)))))
    (local.set $d_1
      (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=160 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=168 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=176 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5)))))
    (local.set $d_2
      (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=168 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=168 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=176 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5)))))
    (local.set $d_3
      (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=176 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=168 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=176 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5)))))
    (local.set $d_4
      (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=184 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=176 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=168 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=176 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=184 (i32.const 0)) (i64.load offset=152 (i32.const 0)))))
    ;; carry pass into r2
    (local.set $c (i64.shr_u (local.get $d_0) (i64.const 26)))
    (local.set $r2_0 (i64.and (local.get $d_0) (i64.const 0x3ffffff)))
    (local.set $d_1 (i64.add (local.get $d_1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_1) (i64.const 26)))
    (local.set $r2_1 (i64.and (local.get $d_1) (i64.const 0x3ffffff)))
    (local.set $d_2 (i64.add (local.get $d_2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_2) (i64.const 26)))
    (local.set $r2_2 (i64.and (local.get $d_2) (i64.const 0x3ffffff)))
    (local.set $d_3 (i64.add (local.get $d_3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_3) (i64.const 26)))
    (local.set $r2_3 (i64.and (local.get $d_3) (i64.const 0x3ffffff)))
    (local.set $d_4 (i64.add (local.get $d_4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_4) (i64.const 26)))
    (local.set $r2_4 (i64.and (local.get $d_4) (i64.const 0x3ffffff)))
    (local.set $r2_0 (i64.add (local.get $r2_0) (i64.mul (local.get $c) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $r2_0) (i64.const 26)))
    (local.set $r2_0 (i64.and (local.get $r2_0) (i64.const 0x3ffffff)))
    (local.set $r2_1 (i64.add (local.get $r2_1) (local.get $c)))
    ;; r^2 at 192, h = 0 at 112
    (i64.store offset=192 (i32.const 0) (local.get $r2_0))
    (i64.store offset=200 (i32.const 0) (local.get $r2_1))
    (i64.store offset=208 (i32.const 0) (local.get $r2_2))
    (i64.store offset=216 (i32.const 0) (local.get $r2_3))
    (i64.store offset=224 (i32.const 0) (local.get $r2_4))
    (i64.store offset=112 (i32.const 0) (i64.const 0))
    (i64.store offset=120 (i32.const 0) (i64.const 0))
    (i64.store offset=128 (i32.const 0) (i64.const 0))
    (i64.store offset=136 (i32.const 0) (i64.const 0))
    (i64.store offset=144 (i32.const 0) (i64.const 0)))

  ;; blocks(ptr, len, hibit): absorbs the floor(len/16) blocks at ptr into h, each block m as h = (h + m) * r. hibit is
  ;; 2^24 (2^128 in the top limb) for a whole block, 0 for the final one, which crypto.ts has padded with a 1 byte (RFC
  ;; 8439 §2.5.1).
  (func $blocks (export "blocks") (param $ptr i32) (param $len i32) (param $hibit32 i32)
    (local $end i32)
    (local $hibit i64)
    (local $h_0 i64) (local $h_1 i64) (local $h_2 i64) (local $h_3 i64) (local $h_4 i64)
    (local $d_0 i64) (local $d_1 i64) (local $d_2 i64) (local $d_3 i64) (local $d_4 i64)
    (local $c i64)
    (local $r_0 i64) (local $r_1 i64) (local $r_2 i64) (local $r_3 i64) (local $r_4 i64)
    (local $r2_0 i64) (local $r2_1 i64) (local $r2_2 i64) (local $r2_3 i64) (local $r2_4 i64)
    (local $s_1 i64) (local $s_2 i64) (local $s_3 i64) (local $s_4 i64) ;; 5 r_k (s_0 is never used)
    (local $s2_1 i64) (local $s2_2 i64) (local $s2_3 i64) (local $s2_4 i64)
    (local $x_0 i64) (local $x_1 i64) (local $x_2 i64) (local $x_3 i64) (local $x_4 i64) ;; h + the first block of a step
    (local $y_0 i64) (local $y_1 i64) (local $y_2 i64) (local $y_3 i64) (local $y_4 i64) ;; the second block
    (local.set $hibit (i64.extend_i32_u (local.get $hibit32)))
    (local.set $end (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -16))))
    ;; h, r and r^2 from memory; s = 5 r and s2 = 5 r^2 for the terms that wrap
    (local.set $h_0 (i64.load offset=112 (i32.const 0)))
    (local.set $h_1 (i64.load offset=120 (i32.const 0)))
    (local.set $h_2 (i64.load offset=128 (i32.const 0)))
    (local.set $h_3 (i64.load offset=136 (i32.const 0)))
    (local.set $h_4 (i64.load offset=144 (i32.const 0)))
    (local.set $r_0 (i64.load offset=152 (i32.const 0)))
    (local.set $r_1 (i64.load offset=160 (i32.const 0)))
    (local.set $r_2 (i64.load offset=168 (i32.const 0)))
    (local.set $r_3 (i64.load offset=176 (i32.const 0)))
    (local.set $r_4 (i64.load offset=184 (i32.const 0)))
    (local.set $r2_0 (i64.load offset=192 (i32.const 0)))
    (local.set $r2_1 (i64.load offset=200 (i32.const 0)))
    (local.set $r2_2 (i64.load offset=208 (i32.const 0)))
    (local.set $r2_3 (i64.load offset=216 (i32.const 0)))
    (local.set $r2_4 (i64.load offset=224 (i32.const 0)))
    (local.set $s_1 (i64.mul (local.get $r_1) (i64.const 5)))
    (local.set $s2_1 (i64.mul (local.get $r2_1) (i64.const 5)))
    (local.set $s_2 (i64.mul (local.get $r_2) (i64.const 5)))
    (local.set $s2_2 (i64.mul (local.get $r2_2) (i64.const 5)))
    (local.set $s_3 (i64.mul (local.get $r_3) (i64.const 5)))
    (local.set $s2_3 (i64.mul (local.get $r2_3) (i64.const 5)))
    (local.set $s_4 (i64.mul (local.get $r_4) (i64.const 5)))
    (local.set $s2_4 (i64.mul (local.get $r2_4) (i64.const 5)))
    ;; Two blocks per step while at least 32 bytes are left: h = (h + m1) * r^2 + m2 * r.
    (block $twoDone
      (loop $twoBlocks
        (br_if $twoDone (i32.lt_u (i32.sub (local.get $end) (local.get $ptr)) (i32.const 32)))
        ;; x = h + the first block, y = the second block, as 26-bit limbs (see init)
        (local.set $x_0 (i64.add (local.get $h_0) (i64.and (i64.load32_u (local.get $ptr)) (i64.const 0x3ffffff))))
        (local.set $x_1
          (i64.add
            (local.get $h_1)
            (i64.and (i64.shr_u (i64.load32_u offset=3 (local.get $ptr)) (i64.const 2)) (i64.const 0x3ffffff))))
        (local.set $x_2
          (i64.add
            (local.get $h_2)
            (i64.and (i64.shr_u (i64.load32_u offset=6 (local.get $ptr)) (i64.const 4)) (i64.const 0x3ffffff))))
        (local.set $x_3 (i64.add (local.get $h_3) (i64.shr_u (i64.load32_u offset=9 (local.get $ptr)) (i64.const 6))))
        (local.set $x_4
          (i64.add
            (local.get $h_4)
            (i64.or (i64.shr_u (i64.load32_u offset=12 (local.get $ptr)) (i64.const 8)) (local.get $hibit))))
        (local.set $y_0 (i64.and (i64.load32_u offset=16 (local.get $ptr)) (i64.const 0x3ffffff)))
        (local.set $y_1 (i64.and (i64.shr_u (i64.load32_u offset=19 (local.get $ptr)) (i64.const 2)) (i64.const 0x3ffffff)))
        (local.set $y_2 (i64.and (i64.shr_u (i64.load32_u offset=22 (local.get $ptr)) (i64.const 4)) (i64.const 0x3ffffff)))
        (local.set $y_3 (i64.shr_u (i64.load32_u offset=25 (local.get $ptr)) (i64.const 6)))
        (local.set $y_4 (i64.or (i64.shr_u (i64.load32_u offset=28 (local.get $ptr)) (i64.const 8)) (local.get $hibit)))
        ;; d = x * r^2 + y * r, limb by limb
        (local.set $d_0
          (i64.mul (local.get $x_0) (local.get $r2_0))
          (i64.add (i64.mul (local.get $x_1) (local.get $s2_4)))
          (i64.add (i64.mul (local.get $x_2) (local.get $s2_3)))
          (i64.add (i64.mul (local.get $x_3) (local.get $s2_2)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s2_1)))
          (i64.add (i64.mul (local.get $y_0) (local.get $r_0)))
          (i64.add (i64.mul (local.get $y_1) (local.get $s_4)))
          (i64.add (i64.mul (local.get $y_2) (local.get $s_3)))
          (i64.add (i64.mul (local.get $y_3) (local.get $s_2)))
          (i64.add (i64.mul (local.get $y_4) (local.get $s_1))))
        (local.set $d_1
          (i64.mul (local.get $x_0) (local.get $r2_1))
          (i64.add (i64.mul (local.get $x_1) (local.get $r2_0)))
          (i64.add (i64.mul (local.get $x_2) (local.get $s2_4)))
          (i64.add (i64.mul (local.get $x_3) (local.get $s2_3)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s2_2)))
          (i64.add (i64.mul (local.get $y_0) (local.get $r_1)))
          (i64.add (i64.mul (local.get $y_1) (local.get $r_0)))
          (i64.add (i64.mul (local.get $y_2) (local.get $s_4)))
          (i64.add (i64.mul (local.get $y_3) (local.get $s_3)))
          (i64.add (i64.mul (local.get $y_4) (local.get $s_2))))
        (local.set $d_2
          (i64.mul (local.get $x_0) (local.get $r2_2))
          (i64.add (i64.mul (local.get $x_1) (local.get $r2_1)))
          (i64.add (i64.mul (local.get $x_2) (local.get $r2_0)))
          (i64.add (i64.mul (local.get $x_3) (local.get $s2_4)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s2_3)))
          (i64.add (i64.mul (local.get $y_0) (local.get $r_2)))
          (i64.add (i64.mul (local.get $y_1) (local.get $r_1)))
          (i64.add (i64.mul (local.get $y_2) (local.get $r_0)))
          (i64.add (i64.mul (local.get $y_3) (local.get $s_4)))
          (i64.add (i64.mul (local.get $y_4) (local.get $s_3))))
        (local.set $d_3
          (i64.mul (local.get $x_0) (local.get $r2_3))
          (i64.add (i64.mul (local.get $x_1) (local.get $r2_2)))
          (i64.add (i64.mul (local.get $x_2) (local.get $r2_1)))
          (i64.add (i64.mul (local.get $x_3) (local.get $r2_0)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s2_4)))
          (i64.add (i64.mul (local.get $y_0) (local.get $r_3)))
          (i64.add (i64.mul (local.get $y_1) (local.get $r_2)))
          (i64.add (i64.mul (local.get $y_2) (local.get $r_1)))
          (i64.add (i64.mul (local.get $y_3) (local.get $r_0)))
          (i64.add (i64.mul (local.get $y_4) (local.get $s_4))))
        (local.set $d_4
          (i64.mul (local.get $x_0) (local.get $r2_4))
          (i64.add (i64.mul (local.get $x_1) (local.get $r2_3)))
          (i64.add (i64.mul (local.get $x_2) (local.get $r2_2)))
          (i64.add (i64.mul (local.get $x_3) (local.get $r2_1)))
          (i64.add (i64.mul (local.get $x_4) (local.get $r2_0)))
          (i64.add (i64.mul (local.get $y_0) (local.get $r_4)))
          (i64.add (i64.mul (local.get $y_1) (local.get $r_3)))
          (i64.add (i64.mul (local.get $y_2) (local.get $r_2)))
          (i64.add (i64.mul (local.get $y_3) (local.get $r_1)))
          (i64.add (i64.mul (local.get $y_4) (local.get $r_0))))
        ;; carry pass into h
        (local.set $c (i64.shr_u (local.get $d_0) (i64.const 26)))
        (local.set $h_0 (i64.and (local.get $d_0) (i64.const 0x3ffffff)))
        (local.set $d_1 (i64.add (local.get $d_1) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_1) (i64.const 26)))
        (local.set $h_1 (i64.and (local.get $d_1) (i64.const 0x3ffffff)))
        (local.set $d_2 (i64.add (local.get $d_2) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_2) (i64.const 26)))
        (local.set $h_2 (i64.and (local.get $d_2) (i64.const 0x3ffffff)))
        (local.set $d_3 (i64.add (local.get $d_3) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_3) (i64.const 26)))
        (local.set $h_3 (i64.and (local.get $d_3) (i64.const 0x3ffffff)))
        (local.set $d_4 (i64.add (local.get $d_4) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_4) (i64.const 26)))
        (local.set $h_4 (i64.and (local.get $d_4) (i64.const 0x3ffffff)))
        (local.set $h_0 (i64.add (local.get $h_0) (i64.mul (local.get $c) (i64.const 5))))
        (local.set $c (i64.shr_u (local.get $h_0) (i64.const 26)))
        (local.set $h_0 (i64.and (local.get $h_0) (i64.const 0x3ffffff)))
        (local.set $h_1 (i64.add (local.get $h_1) (local.get $c)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $twoBlocks)))
    ;; At most one block left: h = (h + m) * r.
    (block $oneDone
      (loop $oneBlock
        (br_if $oneDone (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $x_0 (i64.add (local.get $h_0) (i64.and (i64.load32_u (local.get $ptr)) (i64.const 0x3ffffff))))
        (local.set $x_1
          (i64.add
            (local.get $h_1)
            (i64.and (i64.shr_u (i64.load32_u offset=3 (local.get $ptr)) (i64.const 2)) (i64.const 0x3ffffff))))
        (local.set $x_2
          (i64.add
            (local.get $h_2)
            (i64.and (i64.shr_u (i64.load32_u offset=6 (local.get $ptr)) (i64.const 4)) (i64.const 0x3ffffff))))
        (local.set $x_3 (i64.add (local.get $h_3) (i64.shr_u (i64.load32_u offset=9 (local.get $ptr)) (i64.const 6))))
        (local.set $x_4
          (i64.add
            (local.get $h_4)
            (i64.or (i64.shr_u (i64.load32_u offset=12 (local.get $ptr)) (i64.const 8)) (local.get $hibit))))
        ;; d = x * r
        (local.set $d_0
          (i64.mul (local.get $x_0) (local.get $r_0))
          (i64.add (i64.mul (local.get $x_1) (local.get $s_4)))
          (i64.add (i64.mul (local.get $x_2) (local.get $s_3)))
          (i64.add (i64.mul (local.get $x_3) (local.get $s_2)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s_1))))
        (local.set $d_1
          (i64.mul (local.get $x_0) (local.get $r_1))
          (i64.add (i64.mul (local.get $x_1) (local.get $r_0)))
          (i64.add (i64.mul (local.get $x_2) (local.get $s_4)))
          (i64.add (i64.mul (local.get $x_3) (local.get $s_3)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s_2))))
        (local.set $d_2
          (i64.mul (local.get $x_0) (local.get $r_2))
          (i64.add (i64.mul (local.get $x_1) (local.get $r_1)))
          (i64.add (i64.mul (local.get $x_2) (local.get $r_0)))
          (i64.add (i64.mul (local.get $x_3) (local.get $s_4)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s_3))))
        (local.set $d_3
          (i64.mul (local.get $x_0) (local.get $r_3))
          (i64.add (i64.mul (local.get $x_1) (local.get $r_2)))
          (i64.add (i64.mul (local.get $x_2) (local.get $r_1)))
          (i64.add (i64.mul (local.get $x_3) (local.get $r_0)))
          (i64.add (i64.mul (local.get $x_4) (local.get $s_4))))
        (local.set $d_4
          (i64.mul (local.get $x_0) (local.get $r_4))
          (i64.add (i64.mul (local.get $x_1) (local.get $r_3)))
          (i64.add (i64.mul (local.get $x_2) (local.get $r_2)))
          (i64.add (i64.mul (local.get $x_3) (local.get $r_1)))
          (i64.add (i64.mul (local.get $x_4) (local.get $r_0))))
        ;; carry pass into h
        (local.set $c (i64.shr_u (local.get $d_0) (i64.const 26)))
        (local.set $h_0 (i64.and (local.get $d_0) (i64.const 0x3ffffff)))
        (local.set $d_1 (i64.add (local.get $d_1) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_1) (i64.const 26)))
        (local.set $h_1 (i64.and (local.get $d_1) (i64.const 0x3ffffff)))
        (local.set $d_2 (i64.add (local.get $d_2) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_2) (i64.const 26)))
        (local.set $h_2 (i64.and (local.get $d_2) (i64.const 0x3ffffff)))
        (local.set $d_3 (i64.add (local.get $d_3) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_3) (i64.const 26)))
        (local.set $h_3 (i64.and (local.get $d_3) (i64.const 0x3ffffff)))
        (local.set $d_4 (i64.add (local.get $d_4) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d_4) (i64.const 26)))
        (local.set $h_4 (i64.and (local.get $d_4) (i64.const 0x3ffffff)))
        (local.set $h_0 (i64.add (local.get $h_0) (i64.mul (local.get $c) (i64.const 5))))
        (local.set $c (i64.shr_u (local.get $h_0) (i64.const 26)))
        (local.set $h_0 (i64.and (local.get $h_0) (i64.const 0x3ffffff)))
        (local.set $h_1 (i64.add (local.get $h_1) (local.get $c)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $oneBlock)))
    ;; h back to memory
    (i64.store offset=112 (i32.const 0) (local.get $h_0))
    (i64.store offset=120 (i32.const 0) (local.get $h_1))
    (i64.store offset=128 (i32.const 0) (local.get $h_2))
    (i64.store offset=136 (i32.const 0) (local.get $h_3))
    (i64.store offset=144 (i32.const 0) (local.get $h_4)))

  ;; finish(): tag = (h mod p) + s mod 2^128, as 16 little-endian bytes at 96.
  (func $finish (export "finish")
    (local $h_0 i64) (local $h_1 i64) (local $h_2 i64) (local $h_3 i64) (local $h_4 i64)
    (local $g_0 i64) (local $g_1 i64) (local $g_2 i64) (local $g_3 i64) (local $g_4 i64)
    (local $c i64)
    (local $mask i64)
    (local $f i64)
    (local.set $h_0 (i64.load offset=112 (i32.const 0)))
    (local.set $h_1 (i64.load offset=120 (i32.const 0)))
    (local.set $h_2 (i64.load offset=128 (i32.const 0)))
    (local.set $h_3 (i64.load offset=136 (i32.const 0)))
    (local.set $h_4 (i64.load offset=144 (i32.const 0)))
    ;; A full carry pass: every limb below 2^26.
    (local.set $c (i64.shr_u (local.get $h_1) (i64.const 26)))
    (local.set $h_1 (i64.and (local.get $h_1) (i64.const 0x3ffffff)))
    (local.set $h_2 (i64.add (local.get $h_2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h_2) (i64.const 26)))
    (local.set $h_2 (i64.and (local.get $h_2) (i64.const 0x3ffffff)))
    (local.set $h_3 (i64.add (local.get $h_3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h_3) (i64.const 26)))
    (local.set $h_3 (i64.and (local.get $h_3) (i64.const 0x3ffffff)))
    (local.set $h_4 (i64.add (local.get $h_4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h_4) (i64.const 26)))
    (local.set $h_4 (i64.and (local.get $h_4) (i64.const 0x3ffffff)))
    (local.set $h_0 (i64.add (local.get $h_0) (i64.mul (local.get $c) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $h_0) (i64.const 26)))
    (local.set $h_0 (i64.and (local.get $h_0) (i64.const 0x3ffffff)))
    (local.set $h_1 (i64.add (local.get $h_1) (local.get $c)))
    ;; g = h + 5 - 2^130: if it is not negative, h >= p and g is the reduced value.
    (local.set $g_0 (i64.add (local.get $h_0) (i64.const 5)))
    (local.set $c (i64.shr_u (local.get $g_0) (i64.const 26)))
    (local.set $g_0 (i64.and (local.get $g_0) (i64.const 0x3ffffff)))
    (local.set $g_1 (i64.add (local.get $h_1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g_1) (i64.const 26)))
    (local.set $g_1 (i64.and (local.get $g_1) (i64.const 0x3ffffff)))
    (local.set $g_2 (i64.add (local.get $h_2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g_2) (i64.const 26)))
    (local.set $g_2 (i64.and (local.get $g_2) (i64.const 0x3ffffff)))
    (local.set $g_3 (i64.add (local.get $h_3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g_3) (i64.const 26)))
    (local.set $g_3 (i64.and (local.get $g_3) (i64.const 0x3ffffff)))
    (local.set $g_4 (i64.add (local.get $h_4) (local.get $c)))
    (local.set $g_4 (i64.sub (local.get $g_4) (i64.const 0x4000000)))
    ;; mask = all ones when g_4 >= 0 (select g), else zero (keep h); no branch.
    (local.set $mask (i64.sub (i64.shr_u (local.get $g_4) (i64.const 63)) (i64.const 1)))
    (local.set $h_0
      (i64.or (i64.and (local.get $g_0) (local.get $mask)) (i64.and (local.get $h_0) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_1
      (i64.or (i64.and (local.get $g_1) (local.get $mask)) (i64.and (local.get $h_1) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_2
      (i64.or (i64.and (local.get $g_2) (local.get $mask)) (i64.and (local.get $h_2) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_3
      (i64.or (i64.and (local.get $g_3) (local.get $mask)) (i64.and (local.get $h_3) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_4
      (i64.or (i64.and (local.get $g_4) (local.get $mask)) (i64.and (local.get $h_4) (i64.xor (local.get $mask) (i64.const -1)))))
    ;; Repacked into four 32-bit words, plus the four words of s (key bytes 16..31), carrying from word to word.
    (local.set $f
      (i64.add
        (i64.and (i64.or (local.get $h_0) (i64.shl (local.get $h_1) (i64.const 26))) (i64.const 0xffffffff))
        (i64.load32_u offset=16 (i32.const 0))))
    (i64.store32 offset=96 (i32.const 0) (local.get $f))
    (local.set $f
      (i64.and
        (i64.or (i64.shr_u (local.get $h_1) (i64.const 6)) (i64.shl (local.get $h_2) (i64.const 20)))
        (i64.const 0xffffffff))
      (i64.add (i64.load32_u offset=20 (i32.const 0)))
      (i64.add (i64.shr_u (local.get $f) (i64.const 32))))
    (i64.store32 offset=100 (i32.const 0) (local.get $f))
    (local.set $f
      (i64.and
        (i64.or (i64.shr_u (local.get $h_2) (i64.const 12)) (i64.shl (local.get $h_3) (i64.const 14)))
        (i64.const 0xffffffff))
      (i64.add (i64.load32_u offset=24 (i32.const 0)))
      (i64.add (i64.shr_u (local.get $f) (i64.const 32))))
    (i64.store32 offset=104 (i32.const 0) (local.get $f))
    (local.set $f
      (i64.and
        (i64.or (i64.shr_u (local.get $h_3) (i64.const 18)) (i64.shl (local.get $h_4) (i64.const 8)))
        (i64.const 0xffffffff))
      (i64.add (i64.load32_u offset=28 (i32.const 0)))
      (i64.add (i64.shr_u (local.get $f) (i64.const 32))))
    (i64.store32 offset=108 (i32.const 0) (local.get $f)))

  ;; powers(): r^3 and r^4 (r, r^2 from memory), and the four powers side by side for the SIMD module.
  (func $powers (export "powers")
    (local $d_0 i64) (local $d_1 i64) (local $d_2 i64) (local $d_3 i64) (local $d_4 i64)
    (local $r3_0 i64) (local $r3_1 i64) (local $r3_2 i64) (local $r3_3 i64) (local $r3_4 i64)
    (local $r4_0 i64) (local $r4_1 i64) (local $r4_2 i64) (local $r4_3 i64) (local $r4_4 i64)
    (local $c i64)
    ;; r^3 = r^2 * r
    (local.set $d_0
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=152 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=160 (i32.const 0)) (i64.const 5)))))
    (local.set $d_1
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=160 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5)))))
    (local.set $d_2
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=168 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5)))))
    (local.set $d_3
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=176 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5)))))
    (local.set $d_4
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=184 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=176 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.load offset=152 (i32.const 0)))))
    ;; carry pass into r3
    (local.set $c (i64.shr_u (local.get $d_0) (i64.const 26)))
    (local.set $r3_0 (i64.and (local.get $d_0) (i64.const 0x3ffffff)))
    (local.set $d_1 (i64.add (local.get $d_1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_1) (i64.const 26)))
    (local.set $r3_1 (i64.and (local.get $d_1) (i64.const 0x3ffffff)))
    (local.set $d_2 (i64.add (local.get $d_2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_2) (i64.const 26)))
    (local.set $r3_2 (i64.and (local.get $d_2) (i64.const 0x3ffffff)))
    (local.set $d_3 (i64.add (local.get $d_3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_3) (i64.const 26)))
    (local.set $r3_3 (i64.and (local.get $d_3) (i64.const 0x3ffffff)))
    (local.set $d_4 (i64.add (local.get $d_4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_4) (i64.const 26)))
    (local.set $r3_4 (i64.and (local.get $d_4) (i64.const 0x3ffffff)))
    (local.set $r3_0 (i64.add (local.get $r3_0) (i64.mul (local.get $c) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $r3_0) (i64.const 26)))
    (local.set $r3_0 (i64.and (local.get $r3_0) (i64.const 0x3ffffff)))
    (local.set $r3_1 (i64.add (local.get $r3_1) (local.get $c)))
    ;; r^4 = r^2 * r^2
    (local.set $d_0
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=192 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=216 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=208 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=200 (i32.const 0)) (i64.const 5)))))
    (local.set $d_1
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=200 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=192 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=216 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=208 (i32.const 0)) (i64.const 5)))))
    (local.set $d_2
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=208 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=200 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=192 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=216 (i32.const 0)) (i64.const 5)))))
    (local.set $d_3
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=216 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=208 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=200 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=192 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5)))))
    (local.set $d_4
      (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=224 (i32.const 0)))
      (i64.add (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=216 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=208 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=200 (i32.const 0))))
      (i64.add (i64.mul (i64.load offset=224 (i32.const 0)) (i64.load offset=192 (i32.const 0)))))
    ;; carry pass into r4
    (local.set $c (i64.shr_u (local.get $d_0) (i64.const 26)))
    (local.set $r4_0 (i64.and (local.get $d_0) (i64.const 0x3ffffff)))
    (local.set $d_1 (i64.add (local.get $d_1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_1) (i64.const 26)))
    (local.set $r4_1 (i64.and (local.get $d_1) (i64.const 0x3ffffff)))
    (local.set $d_2 (i64.add (local.get $d_2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_2) (i64.const 26)))
    (local.set $r4_2 (i64.and (local.get $d_2) (i64.const 0x3ffffff)))
    (local.set $d_3 (i64.add (local.get $d_3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_3) (i64.const 26)))
    (local.set $r4_3 (i64.and (local.get $d_3) (i64.const 0x3ffffff)))
    (local.set $d_4 (i64.add (local.get $d_4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d_4) (i64.const 26)))
    (local.set $r4_4 (i64.and (local.get $d_4) (i64.const 0x3ffffff)))
    (local.set $r4_0 (i64.add (local.get $r4_0) (i64.mul (local.get $c) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $r4_0) (i64.const 26)))
    (local.set $r4_0 (i64.and (local.get $r4_0) (i64.const 0x3ffffff)))
    (local.set $r4_1 (i64.add (local.get $r4_1) (local.get $c)))
    ;; limb j of r^4, r^3, r^2, r at 240 + 16j + 0, 4, 8, 12: a row of four u32 lanes per limb
    (i64.store32 offset=240 (i32.const 0) (local.get $r4_0))
    (i64.store32 offset=244 (i32.const 0) (local.get $r3_0))
    (i64.store32 offset=248 (i32.const 0) (i64.load offset=192 (i32.const 0)))
    (i64.store32 offset=252 (i32.const 0) (i64.load offset=152 (i32.const 0)))
    (i64.store32 offset=256 (i32.const 0) (local.get $r4_1))
    (i64.store32 offset=260 (i32.const 0) (local.get $r3_1))
    (i64.store32 offset=264 (i32.const 0) (i64.load offset=200 (i32.const 0)))
    (i64.store32 offset=268 (i32.const 0) (i64.load offset=160 (i32.const 0)))
    (i64.store32 offset=272 (i32.const 0) (local.get $r4_2))
    (i64.store32 offset=276 (i32.const 0) (local.get $r3_2))
    (i64.store32 offset=280 (i32.const 0) (i64.load offset=208 (i32.const 0)))
    (i64.store32 offset=284 (i32.const 0) (i64.load offset=168 (i32.const 0)))
    (i64.store32 offset=288 (i32.const 0) (local.get $r4_3))
    (i64.store32 offset=292 (i32.const 0) (local.get $r3_3))
    (i64.store32 offset=296 (i32.const 0) (i64.load offset=216 (i32.const 0)))
    (i64.store32 offset=300 (i32.const 0) (i64.load offset=176 (i32.const 0)))
    (i64.store32 offset=304 (i32.const 0) (local.get $r4_4))
    (i64.store32 offset=308 (i32.const 0) (local.get $r3_4))
    (i64.store32 offset=312 (i32.const 0) (i64.load offset=224 (i32.const 0)))
    (i64.store32 offset=316 (i32.const 0) (i64.load offset=184 (i32.const 0)))))
