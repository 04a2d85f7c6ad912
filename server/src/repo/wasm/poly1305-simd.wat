(module
  (import "env" "mem" (memory $env.mem 2))
  (func $prepare (export "prepare")
    (local $p_0 v128)
    (local $p_1 v128)
    (local $p_2 v128)
    (local $p_3 v128)
    (local $p_4 v128)
    (local $p_5 v128)
    (local $p_6 v128)
    (local $p_7 v128)
    (local $p_8 v128)
    (local $p_9 v128)
    (local $c v128)
    (local $t v128)
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
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_2)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_1)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66336 (i32.const 0) (local.get $c))
    (v128.store offset=66048
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_3)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_2)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66352 (i32.const 0) (local.get $c))
    (v128.store offset=66064
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_4)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_3)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66368 (i32.const 0) (local.get $c))
    (v128.store offset=66080
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_5)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_4)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66384 (i32.const 0) (local.get $c))
    (v128.store offset=66096
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_6)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_5)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66400 (i32.const 0) (local.get $c))
    (v128.store offset=66112
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_7)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_6)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66416 (i32.const 0) (local.get $c))
    (v128.store offset=66128
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_8)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_7)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66432 (i32.const 0) (local.get $c))
    (v128.store offset=66144
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and
          (i32x4.add (local.tee $t (local.get $p_9)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_8)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66448 (i32.const 0) (local.get $c))
    (v128.store offset=66160
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_0) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl
          (i32x4.add (local.tee $t (local.get $p_9)) (i32x4.shl (local.get $t) (i32.const 2)))
          (i32.const 16))))
    (v128.store offset=66464 (i32.const 0) (local.get $c))
    (v128.store offset=66176
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_1) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_0) (i32.const 16))))
    (v128.store offset=66480 (i32.const 0) (local.get $c))
    (v128.store offset=66192
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_2) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_1) (i32.const 16))))
    (v128.store offset=66496 (i32.const 0) (local.get $c))
    (v128.store offset=66208
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_3) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_2) (i32.const 16))))
    (v128.store offset=66512 (i32.const 0) (local.get $c))
    (v128.store offset=66224
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_4) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_3) (i32.const 16))))
    (v128.store offset=66528 (i32.const 0) (local.get $c))
    (v128.store offset=66240
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_5) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_4) (i32.const 16))))
    (v128.store offset=66544 (i32.const 0) (local.get $c))
    (v128.store offset=66256
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_6) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_5) (i32.const 16))))
    (v128.store offset=66560 (i32.const 0) (local.get $c))
    (v128.store offset=66272
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_7) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_6) (i32.const 16))))
    (v128.store offset=66576 (i32.const 0) (local.get $c))
    (v128.store offset=66288
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_8) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_7) (i32.const 16))))
    (v128.store offset=66592 (i32.const 0) (local.get $c))
    (v128.store offset=66304
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (local.set $c
      (v128.or
        (v128.and (local.get $p_9) (i32x4.splat (i32.const 0xffff)))
        (i32x4.shl (local.get $p_8) (i32.const 16))))
    (v128.store offset=66608 (i32.const 0) (local.get $c))
    (v128.store offset=66320
      (i32.const 0)
      (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $c) (local.get $c)))
    (v128.store offset=66864 (i32.const 0) (i32x4.splat (i32.const 0x1fff)))
    (v128.store offset=66880 (i32.const 0) (i32x4.splat (i32.const 536813567)))
    (v128.store offset=66896 (i32.const 0) (i32x4.splat (i32.const 0x3ffffff)))
    (v128.store offset=66912 (i32.const 0) (i32x4.splat (i32.const 16777216)))
    (v128.store offset=66624 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66640 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66656 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66672 (i32.const 0) (i32x4.splat (i32.const 0)))
    (v128.store offset=66688 (i32.const 0) (i32x4.splat (i32.const 0))))
  (func $blocks (export "blocks") (param $ptr i32) (param $len i32)
    (local $end i32)
    (local $q_0 v128)
    (local $q_1 v128)
    (local $q_2 v128)
    (local $q_3 v128)
    (local $q_4 v128)
    (local $d_0 v128)
    (local $d_1 v128)
    (local $d_2 v128)
    (local $d_3 v128)
    (local $d_4 v128)
    (local $d_5 v128)
    (local $d_6 v128)
    (local $d_7 v128)
    (local $d_8 v128)
    (local $d_9 v128)
    (local $T-8 v128)
    (local $T-7 v128)
    (local $T-6 v128)
    (local $T-5 v128)
    (local $T-4 v128)
    (local $T-3 v128)
    (local $T-2 v128)
    (local $T-1 v128)
    (local $T0 v128)
    (local $T1 v128)
    (local $T2 v128)
    (local $T3 v128)
    (local $T4 v128)
    (local $T5 v128)
    (local $T6 v128)
    (local $T7 v128)
    (local $T8 v128)
    (local $T9 v128)
    (local $block_0 v128)
    (local $block_1 v128)
    (local $block_2 v128)
    (local $block_3 v128)
    (local $half_0 v128)
    (local $half_1 v128)
    (local $half_2 v128)
    (local $half_3 v128)
    (local $word_0 v128)
    (local $word_1 v128)
    (local $word_2 v128)
    (local $word_3 v128)
    (local $c v128)
    (local.set $q_0 (v128.load offset=66624 (i32.const 0)))
    (local.set $q_1 (v128.load offset=66640 (i32.const 0)))
    (local.set $q_2 (v128.load offset=66656 (i32.const 0)))
    (local.set $q_3 (v128.load offset=66672 (i32.const 0)))
    (local.set $q_4 (v128.load offset=66688 (i32.const 0)))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $step
        (br_if $done (i32.lt_u (i32.sub (local.get $end) (local.get $ptr)) (i32.const 64)))
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
        (local.set $block_0 (v128.load (local.get $ptr)))
        (local.set $block_1 (v128.load offset=16 (local.get $ptr)))
        (local.set $block_2 (v128.load offset=32 (local.get $ptr)))
        (local.set $block_3 (v128.load offset=48 (local.get $ptr)))
        (local.set $half_0
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $block_0) (local.get $block_1)))
        (local.set $half_1
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $block_2) (local.get $block_3)))
        (local.set $half_2
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $block_0) (local.get $block_1)))
        (local.set $half_3
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $block_2) (local.get $block_3)))
        (local.set $word_0
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $half_0) (local.get $half_1)))
        (local.set $word_1
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $half_0) (local.get $half_1)))
        (local.set $word_2
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $half_2) (local.get $half_3)))
        (local.set $word_3
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $half_2) (local.get $half_3)))
        (local.set $d_0
          (i32x4.add (local.get $d_0) (v128.and (local.get $word_0) (v128.load offset=66896 (i32.const 0)))))
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
              (v128.or
                (i32x4.shr_u (local.get $word_1) (i32.const 20))
                (i32x4.shl (local.get $word_2) (i32.const 12)))
              (v128.load offset=66896 (i32.const 0)))))
        (local.set $d_6
          (i32x4.add
            (local.get $d_6)
            (v128.and
              (v128.or
                (i32x4.shr_u (local.get $word_2) (i32.const 14))
                (i32x4.shl (local.get $word_3) (i32.const 18)))
              (v128.load offset=66896 (i32.const 0)))))
        (local.set $d_8
          (i32x4.add
            (local.get $d_8)
            (v128.or (i32x4.shr_u (local.get $word_3) (i32.const 8)) (v128.load offset=66912 (i32.const 0)))))
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
        (local.set $d_0
          (i32x4.add
            (v128.and (local.get $d_0) (v128.load offset=66864 (i32.const 0)))
            (i32x4.add
              (local.tee $c (i32x4.shr_s (local.get $d_9) (i32.const 13)))
              (i32x4.shl (local.get $c) (i32.const 2)))))
        (local.set $c (i32x4.shr_s (local.get $d_0) (i32.const 13)))
        (local.set $d_1 (i32x4.add (v128.and (local.get $d_1) (v128.load offset=66864 (i32.const 0))) (local.get $c)))
        (local.set $q_0
          (v128.or
            (v128.and (local.get $d_0) (v128.load offset=66864 (i32.const 0)))
            (i32x4.shl (local.get $d_1) (i32.const 16))))
        (local.set $q_1
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31
              (local.get $d_2)
              (i32x4.shl (local.get $d_3) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $q_2
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31
              (local.get $d_4)
              (i32x4.shl (local.get $d_5) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $q_3
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31
              (local.get $d_6)
              (i32x4.shl (local.get $d_7) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $q_4
          (v128.and
            (i8x16.shuffle 0 1 18 19 4 5 22 23 8 9 26 27 12 13 30 31
              (local.get $d_8)
              (i32x4.shl (local.get $d_9) (i32.const 16)))
            (v128.load offset=66880 (i32.const 0))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 64)))
        (br $step)))
    (v128.store offset=66624 (i32.const 0) (local.get $q_0))
    (v128.store offset=66640 (i32.const 0) (local.get $q_1))
    (v128.store offset=66656 (i32.const 0) (local.get $q_2))
    (v128.store offset=66672 (i32.const 0) (local.get $q_3))
    (v128.store offset=66688 (i32.const 0) (local.get $q_4)))
  (func $collapse (export "collapse")
    (local $d_0 v128)
    (local $d_1 v128)
    (local $d_2 v128)
    (local $d_3 v128)
    (local $d_4 v128)
    (local $d_5 v128)
    (local $d_6 v128)
    (local $d_7 v128)
    (local $d_8 v128)
    (local $d_9 v128)
    (local $T-8 v128)
    (local $T-7 v128)
    (local $T-6 v128)
    (local $T-5 v128)
    (local $T-4 v128)
    (local $T-3 v128)
    (local $T-2 v128)
    (local $T-1 v128)
    (local $T0 v128)
    (local $T1 v128)
    (local $T2 v128)
    (local $T3 v128)
    (local $T4 v128)
    (local $T5 v128)
    (local $T6 v128)
    (local $T7 v128)
    (local $T8 v128)
    (local $T9 v128)
    (local $e_0 i64)
    (local $e_1 i64)
    (local $e_2 i64)
    (local $e_3 i64)
    (local $e_4 i64)
    (local $c i64)
    (local.set $d_0
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T0 (v128.load offset=66464 (i32.const 0))))
          (i32x4.dot_i16x8_s
            (v128.load offset=66640 (i32.const 0))
            (local.tee $T-2 (v128.load offset=66432 (i32.const 0)))))
        (i32x4.add
          (i32x4.dot_i16x8_s
            (v128.load offset=66656 (i32.const 0))
            (local.tee $T-4 (v128.load offset=66400 (i32.const 0))))
          (i32x4.add
            (i32x4.dot_i16x8_s
              (v128.load offset=66672 (i32.const 0))
              (local.tee $T-6 (v128.load offset=66368 (i32.const 0))))
            (i32x4.dot_i16x8_s
              (v128.load offset=66688 (i32.const 0))
              (local.tee $T-8 (v128.load offset=66336 (i32.const 0))))))))
    (v128.store offset=66704 (i32.const 0) (local.get $d_0))
    (local.set $d_2
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T2 (v128.load offset=66496 (i32.const 0))))
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
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T4 (v128.load offset=66528 (i32.const 0))))
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
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T6 (v128.load offset=66560 (i32.const 0))))
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
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T8 (v128.load offset=66592 (i32.const 0))))
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
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T1 (v128.load offset=66480 (i32.const 0))))
          (i32x4.dot_i16x8_s
            (v128.load offset=66640 (i32.const 0))
            (local.tee $T-1 (v128.load offset=66448 (i32.const 0)))))
        (i32x4.add
          (i32x4.dot_i16x8_s
            (v128.load offset=66656 (i32.const 0))
            (local.tee $T-3 (v128.load offset=66416 (i32.const 0))))
          (i32x4.add
            (i32x4.dot_i16x8_s
              (v128.load offset=66672 (i32.const 0))
              (local.tee $T-5 (v128.load offset=66384 (i32.const 0))))
            (i32x4.dot_i16x8_s
              (v128.load offset=66688 (i32.const 0))
              (local.tee $T-7 (v128.load offset=66352 (i32.const 0))))))))
    (v128.store offset=66720 (i32.const 0) (local.get $d_1))
    (local.set $d_3
      (i32x4.add
        (i32x4.add
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T3 (v128.load offset=66512 (i32.const 0))))
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
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T5 (v128.load offset=66544 (i32.const 0))))
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
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T7 (v128.load offset=66576 (i32.const 0))))
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
          (i32x4.dot_i16x8_s
            (v128.load offset=66624 (i32.const 0))
            (local.tee $T9 (v128.load offset=66608 (i32.const 0))))
          (i32x4.dot_i16x8_s (v128.load offset=66640 (i32.const 0)) (local.get $T7)))
        (i32x4.add
          (i32x4.dot_i16x8_s (v128.load offset=66656 (i32.const 0)) (local.get $T5))
          (i32x4.add
            (i32x4.dot_i16x8_s (v128.load offset=66672 (i32.const 0)) (local.get $T3))
            (i32x4.dot_i16x8_s (v128.load offset=66688 (i32.const 0)) (local.get $T1))))))
    (v128.store offset=66848 (i32.const 0) (local.get $d_9))
    (local.set $e_0
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_0)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_0))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_0))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_0))))
          (i64.shl
            (i64.add
              (i64.add
                (i64.add
                  (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_1)))
                  (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_1))))
                (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_1))))
              (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_1))))
            (i64.const 13)))
        (i64.const 70368738934784)))
    (local.set $e_1
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_2)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_2))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_2))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_2))))
          (i64.shl
            (i64.add
              (i64.add
                (i64.add
                  (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_3)))
                  (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_3))))
                (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_3))))
              (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_3))))
            (i64.const 13)))
        (i64.const 70368743129088)))
    (local.set $e_2
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_4)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_4))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_4))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_4))))
          (i64.shl
            (i64.add
              (i64.add
                (i64.add
                  (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_5)))
                  (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_5))))
                (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_5))))
              (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_5))))
            (i64.const 13)))
        (i64.const 70368743129088)))
    (local.set $e_3
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_6)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_6))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_6))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_6))))
          (i64.shl
            (i64.add
              (i64.add
                (i64.add
                  (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_7)))
                  (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_7))))
                (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_7))))
              (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_7))))
            (i64.const 13)))
        (i64.const 70368743129088)))
    (local.set $e_4
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.add
                (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_8)))
                (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_8))))
              (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_8))))
            (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_8))))
          (i64.shl
            (i64.add
              (i64.add
                (i64.add
                  (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $d_9)))
                  (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $d_9))))
                (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $d_9))))
              (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $d_9))))
            (i64.const 13)))
        (i64.const 70368743129088)))
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
