;; scrypt's ROMix, BlockMix and Salsa20/8 (RFC 7914) with WebAssembly SIMD128; scryptwasm.ts does PBKDF2-HMAC-SHA256
;; before and after (Node's), copies each lane in and out and grows the memory to fit. The 16 words of a Salsa20 block
;; sit in four v128 rows, so a column or row round is four vector steps (add, rotate, xor) and the move between
;; columns and rows is three lane rotations.
;;
;; Word order: each 64-byte block is kept in "diagonal" order, rows
;;   a = (x0, x5, x10, x15)   b = (x4, x9, x14, x3)   c = (x8, x13, x2, x7)   d = (x12, x1, x6, x11)
;; so the column round works on whole rows. XOR and the final addition are word by word, so V and X stay in this
;; order for a whole lane: the JavaScript side permutes a lane once going in and once coming out. Integerify's
;; word, x0 of the last block, is the first word in either order.
;;
;; Memory (B = 128*r bytes, one lane at a time). ROMix keeps V[i] only where i % k != k-1 (k = 2^log2k, the caller's
;; choice: scryptwasm.ts says which and why) and rebuilds a skipped V[j] from V[j-1] when the second loop asks for
;; it: 1/k less memory for one BlockMix in 2k more. V[i] is at slot (k-1)*(i/k) + i%k, so that the first loop's last
;; block, V[N], is the slot after the last one:
;;   [0, S*B)            the slots, S = (k-1)*N/k; the lane's input is written at V[0], slot 0
;;   [S*B, (S+1)*B)      X0: V[N] after the first loop, the lane's output after romix()
;;   [(S+1)*B, (S+2)*B)  X1: the other half of the ping-pong for ROMix's second loop
;;   [(S+2)*B, (S+3)*B)  T: a skipped V[i], on its way to V[i+1] in the first loop, rebuilt in the second
;;
;; Functions: romix(N, r, log2k) (exported) runs ROMix on the lane at V[0] and leaves the result in X0. Its first
;; loop is V[i+1] = blockMix(V[i]), each written where it is kept (or to T), so no block is ever copied; its second
;; loop is X' = blockMixXor(X, V[j]), alternating X0 and X1 (N is even, so it ends in X0), with the XOR of V[j] done
;; on the way into each Salsa20/8. Both BlockMix functions are separate wasm functions so that V8's optimizing tier,
;; which replaces a function between calls, takes over during the first derivation rather than the next one. The two
;; Salsa20/8 of a BlockMix step are written out in full (no call), as are their four double rounds.
(module
  (memory $mem (export "mem") 1)
  ;; The types, written out because romix's repeats blockMix's as a type of its own (index 2), as the module has always
  ;; had it.
  (type $blockMixType (func (param i32 i32 i32)))
  (type $blockMixXorType (func (param i32 i32 i32 i32) (result i32)))
  (type $romixType (func (param i32 i32 i32)))

  ;; blockMix(src, dst, r): BlockMix of the 2r blocks at src into dst, block 2k going to dst block k and block 2k+1 to
  ;; dst block r+k.
  (func $blockMix (type $blockMixType) (param $src i32) (param $dst i32) (param $r i32)
    (local $a v128) ;; X, the Salsa20 state: four rows in diagonal order
    (local $b v128)
    (local $c v128)
    (local $d v128)
    (local $saved_a v128) ;; the Salsa20/8 input, for the final addition
    (local $saved_b v128)
    (local $saved_c v128)
    (local $saved_d v128)
    (local $t v128) ;; x + y of a step
    (local $bytes i32) ;; 128 r: the 2r blocks
    (local $end i32)
    (local $even i32) ;; where the next even-numbered block goes (dst block k)
    (local $odd i32) ;; and the next odd-numbered one (dst block r+k)
    (local.set $bytes (i32.shl (local.get $r) (i32.const 7)))
    ;; X = the last block of src
    (local.set $a (v128.load (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $b (v128.load offset=16 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $c (v128.load offset=32 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $d (v128.load offset=48 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $end (i32.add (local.get $src) (local.get $bytes)))
    (local.set $even (local.get $dst))
    (local.set $odd (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 6))))
    ;; Two blocks a turn.
    (loop $pair
      ;; X ^= src block 2k: the Salsa20/8 input, kept in saved_a..d for the final addition.
      (local.set $saved_a (local.tee $a (v128.xor (local.get $a) (v128.load (local.get $src)))))
      (local.set $saved_b (local.tee $b (v128.xor (local.get $b) (v128.load offset=16 (local.get $src)))))
      (local.set $saved_c (local.tee $c (v128.xor (local.get $c) (v128.load offset=32 (local.get $src)))))
      (local.set $saved_d (local.tee $d (v128.xor (local.get $d) (v128.load offset=48 (local.get $src)))))
      ;; Double round 1 of 4. The column round is Salsa20's quarter-round on whole rows (a, b, c, d): each step is
      ;; target ^= (x + y) <<< k, k = 7, 9, 13, 18, with t = x + y; XORing the two shifted halves into target one after
      ;; the other, rather than combining them first, gives the right shift a cycle of slack.
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      ;; Lanes of b, c, d rotated by 3, 2, 1: b = (x3, x4, x9, x14), c = (x2, x7, x8, x13), d = (x1, x6, x11, x12). The
      ;; rows line up as columns, so the row round is the same quarter-round on (a, d, c, b).
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      ;; Rotated back (by 1, 2, 3): diagonal order again.
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Double round 2 (the same instructions)
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Double round 3
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Double round 4
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Salsa20/8's final addition, X += saved, stored to dst block k.
      (v128.store (local.get $even) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $even) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $even) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $even) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      ;; The same Salsa20/8 with X ^= src block 2k+1, to dst block r+k.
      (local.set $saved_a (local.tee $a (v128.xor (local.get $a) (v128.load offset=64 (local.get $src)))))
      (local.set $saved_b (local.tee $b (v128.xor (local.get $b) (v128.load offset=80 (local.get $src)))))
      (local.set $saved_c (local.tee $c (v128.xor (local.get $c) (v128.load offset=96 (local.get $src)))))
      (local.set $saved_d (local.tee $d (v128.xor (local.get $d) (v128.load offset=112 (local.get $src)))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (v128.store (local.get $odd) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $odd) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $odd) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $odd) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      ;; On to the next pair of blocks.
      (local.set $src (i32.add (local.get $src) (i32.const 128)))
      (local.set $even (i32.add (local.get $even) (i32.const 64)))
      (local.set $odd (i32.add (local.get $odd) (i32.const 64)))
      (br_if $pair (i32.lt_u (local.get $src) (local.get $end)))))

  ;; blockMixXor(src, xorWith, dst, r): BlockMix of the 2r blocks at src XORed with those at xorWith into dst, laid out
  ;; as blockMix's; returns x0 of the last block (Integerify's word).
  (func $blockMixXor (type $blockMixXorType) (param $src i32) (param $xorWith i32) (param $dst i32) (param $r i32) (result i32)
    (local $a v128) ;; X, the Salsa20 state: four rows in diagonal order
    (local $b v128)
    (local $c v128)
    (local $d v128)
    (local $saved_a v128) ;; the Salsa20/8 input, for the final addition
    (local $saved_b v128)
    (local $saved_c v128)
    (local $saved_d v128)
    (local $t v128) ;; x + y of a step
    (local $bytes i32) ;; 128 r: the 2r blocks
    (local $end i32)
    (local $even i32) ;; where the next even-numbered block goes (dst block k)
    (local $odd i32) ;; and the next odd-numbered one (dst block r+k)
    (local.set $bytes (i32.shl (local.get $r) (i32.const 7)))
    ;; X = the last block of src ^ the last block of xorWith
    (local.set $a
      (v128.xor
        (v128.load (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64)))
        (v128.load (i32.sub (i32.add (local.get $xorWith) (local.get $bytes)) (i32.const 64)))))
    (local.set $b
      (v128.xor
        (v128.load offset=16 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64)))
        (v128.load offset=16 (i32.sub (i32.add (local.get $xorWith) (local.get $bytes)) (i32.const 64)))))
    (local.set $c
      (v128.xor
        (v128.load offset=32 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64)))
        (v128.load offset=32 (i32.sub (i32.add (local.get $xorWith) (local.get $bytes)) (i32.const 64)))))
    (local.set $d
      (v128.xor
        (v128.load offset=48 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64)))
        (v128.load offset=48 (i32.sub (i32.add (local.get $xorWith) (local.get $bytes)) (i32.const 64)))))
    (local.set $end (i32.add (local.get $src) (local.get $bytes)))
    (local.set $even (local.get $dst))
    (local.set $odd (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 6))))
    ;; Two blocks a turn.
    (loop $pair
      ;; X ^= src block 2k ^ the same block of xorWith: the Salsa20/8 input, kept in saved_a..d for the final addition.
      (local.set $saved_a
        (local.tee $a (v128.xor (local.get $a) (v128.xor (v128.load (local.get $src)) (v128.load (local.get $xorWith))))))
      (local.set $saved_b
        (local.tee $b
          (v128.xor (local.get $b) (v128.xor (v128.load offset=16 (local.get $src)) (v128.load offset=16 (local.get $xorWith))))))
      (local.set $saved_c
        (local.tee $c
          (v128.xor (local.get $c) (v128.xor (v128.load offset=32 (local.get $src)) (v128.load offset=32 (local.get $xorWith))))))
      (local.set $saved_d
        (local.tee $d
          (v128.xor (local.get $d) (v128.xor (v128.load offset=48 (local.get $src)) (v128.load offset=48 (local.get $xorWith))))))
      ;; Double round 1 of 4. The column round is Salsa20's quarter-round on whole rows (a, b, c, d): each step is
      ;; target ^= (x + y) <<< k, k = 7, 9, 13, 18, with t = x + y; XORing the two shifted halves into target one after
      ;; the other, rather than combining them first, gives the right shift a cycle of slack.
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      ;; Lanes of b, c, d rotated by 3, 2, 1: b = (x3, x4, x9, x14), c = (x2, x7, x8, x13), d = (x1, x6, x11, x12). The
      ;; rows line up as columns, so the row round is the same quarter-round on (a, d, c, b).
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      ;; Rotated back (by 1, 2, 3): diagonal order again.
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Double round 2 (the same instructions)
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Double round 3
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Double round 4
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      ;; Salsa20/8's final addition, X += saved, stored to dst block k.
      (v128.store (local.get $even) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $even) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $even) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $even) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      ;; The same Salsa20/8 with X ^= src block 2k+1 ^ the same block of xorWith, to dst block r+k.
      (local.set $saved_a
        (local.tee $a
          (v128.xor (local.get $a) (v128.xor (v128.load offset=64 (local.get $src)) (v128.load offset=64 (local.get $xorWith))))))
      (local.set $saved_b
        (local.tee $b
          (v128.xor (local.get $b) (v128.xor (v128.load offset=80 (local.get $src)) (v128.load offset=80 (local.get $xorWith))))))
      (local.set $saved_c
        (local.tee $c
          (v128.xor (local.get $c) (v128.xor (v128.load offset=96 (local.get $src)) (v128.load offset=96 (local.get $xorWith))))))
      (local.set $saved_d
        (local.tee $d
          (v128.xor (local.get $d) (v128.xor (v128.load offset=112 (local.get $src)) (v128.load offset=112 (local.get $xorWith))))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (local.get $d)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (local.get $c)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (local.get $b)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (local.get $a)
        (v128.xor (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
        (v128.xor (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (v128.store (local.get $odd) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $odd) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $odd) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $odd) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      ;; On to the next pair of blocks.
      (local.set $src (i32.add (local.get $src) (i32.const 128)))
      (local.set $xorWith (i32.add (local.get $xorWith) (i32.const 128)))
      (local.set $even (i32.add (local.get $even) (i32.const 64)))
      (local.set $odd (i32.add (local.get $odd) (i32.const 64)))
      (br_if $pair (i32.lt_u (local.get $src) (local.get $end))))
    ;; x0 of the last block: the first word of row a, in diagonal order too
    (i32x4.extract_lane 0 (local.get $a)))

  ;; romix(N, r, log2k): ROMix on the lane at V[0], the result left in X0 (see the header). k = 2^log2k.
  (func $romix (export "romix") (type $romixType) (param $n i32) (param $r i32) (param $log2k i32)
    (local $bytes i32)
    (local $mask i32) ;; k - 1
    (local $i i32)
    (local $src i32)
    (local $dst i32)
    (local $spare i32) ;; T
    (local $cur i32) ;; X: X0 or X1
    (local $other i32)
    (local $swap i32)
    (local $j i32)
    (local $remaining i32) ;; turns of the second loop still to run
    (local.set $bytes (i32.shl (local.get $r) (i32.const 7)))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $log2k)) (i32.const 1)))
    ;; cur = X0, the slot after the last one, V[N]'s; other = X1; spare = T
    (local.set $cur
      (i32.mul
        (i32.add
          (i32.mul (local.get $mask) (i32.shr_u (local.get $n) (local.get $log2k)))
          (i32.and (local.get $n) (local.get $mask)))
        (local.get $bytes)))
    (local.set $other (i32.add (local.get $cur) (local.get $bytes)))
    (local.set $spare (i32.add (local.get $other) (local.get $bytes)))
    ;; First loop: V[i] = blockMix(V[i-1]) for i = 1..N, written to its slot, or to T when it is not kept (i % k = k-1).
    (loop $fill
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $dst
        (select
          (local.get $spare)
          (i32.mul
            (i32.add
              (i32.mul (local.get $mask) (i32.shr_u (local.get $i) (local.get $log2k)))
              (i32.and (local.get $i) (local.get $mask)))
            (local.get $bytes))
          (i32.eq (i32.and (local.get $i) (local.get $mask)) (local.get $mask))))
      (call $blockMix (local.get $src) (local.get $dst) (local.get $r))
      (local.set $src (local.get $dst))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    ;; Second loop, N turns: j = Integerify(X) mod N; X = blockMixXor(X, V[j]) into the other half of the ping-pong.
    (local.set $j (i32.load (i32.sub (i32.add (local.get $cur) (local.get $bytes)) (i32.const 64))))
    (local.set $remaining (local.get $n))
    (loop $mix
      (local.set $j (i32.and (local.get $j) (i32.sub (local.get $n) (i32.const 1))))
      ;; A skipped V[j] is rebuilt into T from V[j-1], which is always kept.
      (if
        (i32.eq (i32.and (local.get $j) (local.get $mask)) (local.get $mask))
        (then
          (call $blockMix
            (i32.mul
              (i32.add
                (i32.mul (local.get $mask) (i32.shr_u (i32.sub (local.get $j) (i32.const 1)) (local.get $log2k)))
                (i32.and (i32.sub (local.get $j) (i32.const 1)) (local.get $mask)))
              (local.get $bytes))
            (local.get $spare)
            (local.get $r))
          (local.set $src (local.get $spare)))
        (else
          (local.set $src
            (i32.mul
              (i32.add
                (i32.mul (local.get $mask) (i32.shr_u (local.get $j) (local.get $log2k)))
                (i32.and (local.get $j) (local.get $mask)))
              (local.get $bytes)))))
      (local.set $j (call $blockMixXor (local.get $cur) (local.get $src) (local.get $other) (local.get $r)))
      (local.set $swap (local.get $cur))
      (local.set $cur (local.get $other))
      (local.set $other (local.get $swap))
      (local.set $remaining (i32.sub (local.get $remaining) (i32.const 1)))
      (br_if $mix (local.get $remaining)))))
