(module
  (memory $mem (export "mem") 1)
  (type $blockMixType (func (param i32 i32 i32)))
  (type $blockMixXorType (func (param i32 i32 i32 i32) (result i32)))
  (type $romixType (func (param i32 i32 i32)))
  (func $blockMix (type $blockMixType) (param $src i32) (param $dst i32) (param $r i32)
    (local $a v128)
    (local $b v128)
    (local $c v128)
    (local $d v128)
    (local $saved_a v128)
    (local $saved_b v128)
    (local $saved_c v128)
    (local $saved_d v128)
    (local $t v128)
    (local $bytes i32)
    (local $end i32)
    (local $even i32)
    (local $odd i32)
    (local.set $bytes (i32.shl (local.get $r) (i32.const 7)))
    (local.set $a (v128.load (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $b (v128.load offset=16 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $c (v128.load offset=32 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $d (v128.load offset=48 (i32.sub (i32.add (local.get $src) (local.get $bytes)) (i32.const 64))))
    (local.set $end (i32.add (local.get $src) (local.get $bytes)))
    (local.set $even (local.get $dst))
    (local.set $odd (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 6))))
    (loop $pair
      (local.set $saved_a (local.tee $a (v128.xor (local.get $a) (v128.load (local.get $src)))))
      (local.set $saved_b (local.tee $b (v128.xor (local.get $b) (v128.load offset=16 (local.get $src)))))
      (local.set $saved_c (local.tee $c (v128.xor (local.get $c) (v128.load offset=32 (local.get $src)))))
      (local.set $saved_d (local.tee $d (v128.xor (local.get $d) (v128.load offset=48 (local.get $src)))))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (v128.store (local.get $even) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $even) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $even) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $even) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      (local.set $saved_a (local.tee $a (v128.xor (local.get $a) (v128.load offset=64 (local.get $src)))))
      (local.set $saved_b (local.tee $b (v128.xor (local.get $b) (v128.load offset=80 (local.get $src)))))
      (local.set $saved_c (local.tee $c (v128.xor (local.get $c) (v128.load offset=96 (local.get $src)))))
      (local.set $saved_d (local.tee $d (v128.xor (local.get $d) (v128.load offset=112 (local.get $src)))))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (v128.store (local.get $odd) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $odd) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $odd) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $odd) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      (local.set $src (i32.add (local.get $src) (i32.const 128)))
      (local.set $even (i32.add (local.get $even) (i32.const 64)))
      (local.set $odd (i32.add (local.get $odd) (i32.const 64)))
      (br_if $pair (i32.lt_u (local.get $src) (local.get $end)))))
  (func $blockMixXor (type $blockMixXorType) (param $src i32) (param $xorWith i32) (param $dst i32) (param $r i32) (result i32)
    (local $a v128)
    (local $b v128)
    (local $c v128)
    (local $d v128)
    (local $saved_a v128)
    (local $saved_b v128)
    (local $saved_c v128)
    (local $saved_d v128)
    (local $t v128)
    (local $bytes i32)
    (local $end i32)
    (local $even i32)
    (local $odd i32)
    (local.set $bytes (i32.shl (local.get $r) (i32.const 7)))
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
    (loop $pair
      (local.set $saved_a
        (local.tee $a
          (v128.xor (local.get $a) (v128.xor (v128.load (local.get $src)) (v128.load (local.get $xorWith))))))
      (local.set $saved_b
        (local.tee $b
          (v128.xor
            (local.get $b)
            (v128.xor (v128.load offset=16 (local.get $src)) (v128.load offset=16 (local.get $xorWith))))))
      (local.set $saved_c
        (local.tee $c
          (v128.xor
            (local.get $c)
            (v128.xor (v128.load offset=32 (local.get $src)) (v128.load offset=32 (local.get $xorWith))))))
      (local.set $saved_d
        (local.tee $d
          (v128.xor
            (local.get $d)
            (v128.xor (v128.load offset=48 (local.get $src)) (v128.load offset=48 (local.get $xorWith))))))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (v128.store (local.get $even) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $even) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $even) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $even) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      (local.set $saved_a
        (local.tee $a
          (v128.xor
            (local.get $a)
            (v128.xor (v128.load offset=64 (local.get $src)) (v128.load offset=64 (local.get $xorWith))))))
      (local.set $saved_b
        (local.tee $b
          (v128.xor
            (local.get $b)
            (v128.xor (v128.load offset=80 (local.get $src)) (v128.load offset=80 (local.get $xorWith))))))
      (local.set $saved_c
        (local.tee $c
          (v128.xor
            (local.get $c)
            (v128.xor (v128.load offset=96 (local.get $src)) (v128.load offset=96 (local.get $xorWith))))))
      (local.set $saved_d
        (local.tee $d
          (v128.xor
            (local.get $d)
            (v128.xor (v128.load offset=112 (local.get $src)) (v128.load offset=112 (local.get $xorWith))))))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (local.set $b
        (v128.xor
          (v128.xor (local.get $b) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $d))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $d
        (v128.xor
          (v128.xor
            (local.get $d)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $b))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $d) (local.get $d)))
      (local.set $d
        (v128.xor
          (v128.xor (local.get $d) (i32x4.shl (local.tee $t (i32x4.add (local.get $a) (local.get $b))) (i32.const 7)))
          (i32x4.shr_u (local.get $t) (i32.const 25))))
      (local.set $c
        (v128.xor
          (v128.xor (local.get $c) (i32x4.shl (local.tee $t (i32x4.add (local.get $d) (local.get $a))) (i32.const 9)))
          (i32x4.shr_u (local.get $t) (i32.const 23))))
      (local.set $b
        (v128.xor
          (v128.xor
            (local.get $b)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $c) (local.get $d))) (i32.const 13)))
          (i32x4.shr_u (local.get $t) (i32.const 19))))
      (local.set $a
        (v128.xor
          (v128.xor
            (local.get $a)
            (i32x4.shl (local.tee $t (i32x4.add (local.get $b) (local.get $c))) (i32.const 18)))
          (i32x4.shr_u (local.get $t) (i32.const 14))))
      (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
      (local.set $c (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $c) (local.get $c)))
      (local.set $d (i8x16.shuffle 12 13 14 15 0 1 2 3 4 5 6 7 8 9 10 11 (local.get $d) (local.get $d)))
      (v128.store (local.get $odd) (local.tee $a (i32x4.add (local.get $a) (local.get $saved_a))))
      (v128.store offset=16 (local.get $odd) (local.tee $b (i32x4.add (local.get $b) (local.get $saved_b))))
      (v128.store offset=32 (local.get $odd) (local.tee $c (i32x4.add (local.get $c) (local.get $saved_c))))
      (v128.store offset=48 (local.get $odd) (local.tee $d (i32x4.add (local.get $d) (local.get $saved_d))))
      (local.set $src (i32.add (local.get $src) (i32.const 128)))
      (local.set $xorWith (i32.add (local.get $xorWith) (i32.const 128)))
      (local.set $even (i32.add (local.get $even) (i32.const 64)))
      (local.set $odd (i32.add (local.get $odd) (i32.const 64)))
      (br_if $pair (i32.lt_u (local.get $src) (local.get $end))))
    (i32x4.extract_lane 0 (local.get $a)))
  (func $romix (export "romix") (type $romixType) (param $n i32) (param $r i32) (param $log2k i32)
    (local $bytes i32)
    (local $mask i32)
    (local $i i32)
    (local $src i32)
    (local $dst i32)
    (local $spare i32)
    (local $cur i32)
    (local $other i32)
    (local $swap i32)
    (local $j i32)
    (local $remaining i32)
    (local.set $bytes (i32.shl (local.get $r) (i32.const 7)))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $log2k)) (i32.const 1)))
    (local.set $cur
      (i32.mul
        (i32.add
          (i32.mul (local.get $mask) (i32.shr_u (local.get $n) (local.get $log2k)))
          (i32.and (local.get $n) (local.get $mask)))
        (local.get $bytes)))
    (local.set $other (i32.add (local.get $cur) (local.get $bytes)))
    (local.set $spare (i32.add (local.get $other) (local.get $bytes)))
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
    (local.set $j (i32.load (i32.sub (i32.add (local.get $cur) (local.get $bytes)) (i32.const 64))))
    (local.set $remaining (local.get $n))
    (loop $mix
      (local.set $j (i32.and (local.get $j) (i32.sub (local.get $n) (i32.const 1))))
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