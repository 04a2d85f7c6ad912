(module
  (memory $mem (export "mem") 2)
  (func $init (export "init")
    (local $d_0 i64)
    (local $d_1 i64)
    (local $d_2 i64)
    (local $d_3 i64)
    (local $d_4 i64)
    (local $r2_0 i64)
    (local $r2_1 i64)
    (local $r2_2 i64)
    (local $r2_3 i64)
    (local $r2_4 i64)
    (local $c i64)
    (i64.store offset=152 (i32.const 0) (i64.and (i64.load32_u (i32.const 0)) (i64.const 0x3ffffff)))
    (i64.store offset=160
      (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=3 (i32.const 0)) (i64.const 2)) (i64.const 67108611)))
    (i64.store offset=168
      (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=6 (i32.const 0)) (i64.const 4)) (i64.const 67092735)))
    (i64.store offset=176
      (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=9 (i32.const 0)) (i64.const 6)) (i64.const 66076671)))
    (i64.store offset=184
      (i32.const 0)
      (i64.and (i64.shr_u (i64.load32_u offset=12 (i32.const 0)) (i64.const 8)) (i64.const 0xfffff)))
    (local.set $d_0
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=152 (i32.const 0)))
              (i64.mul
                (i64.load offset=160 (i32.const 0))
                (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
            (i64.mul (i64.load offset=168 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
          (i64.mul (i64.load offset=176 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=160 (i32.const 0)) (i64.const 5)))))
    (local.set $d_1
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=160 (i32.const 0)))
              (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
            (i64.mul (i64.load offset=168 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
          (i64.mul (i64.load offset=176 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5)))))
    (local.set $d_2
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=168 (i32.const 0)))
              (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
            (i64.mul (i64.load offset=168 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
          (i64.mul (i64.load offset=176 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5)))))
    (local.set $d_3
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=176 (i32.const 0)))
              (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
            (i64.mul (i64.load offset=168 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
          (i64.mul (i64.load offset=176 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
        (i64.mul (i64.load offset=184 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5)))))
    (local.set $d_4
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=152 (i32.const 0)) (i64.load offset=184 (i32.const 0)))
              (i64.mul (i64.load offset=160 (i32.const 0)) (i64.load offset=176 (i32.const 0))))
            (i64.mul (i64.load offset=168 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
          (i64.mul (i64.load offset=176 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
        (i64.mul (i64.load offset=184 (i32.const 0)) (i64.load offset=152 (i32.const 0)))))
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
  (func $blocks (export "blocks") (param $ptr i32) (param $len i32) (param $hibit32 i32)
    (local $end i32)
    (local $hibit i64)
    (local $h_0 i64)
    (local $h_1 i64)
    (local $h_2 i64)
    (local $h_3 i64)
    (local $h_4 i64)
    (local $d_0 i64)
    (local $d_1 i64)
    (local $d_2 i64)
    (local $d_3 i64)
    (local $d_4 i64)
    (local $c i64)
    (local $r_0 i64)
    (local $r_1 i64)
    (local $r_2 i64)
    (local $r_3 i64)
    (local $r_4 i64)
    (local $s_1 i64)
    (local $s_2 i64)
    (local $s_3 i64)
    (local $s_4 i64)
    (local $s2_1 i64)
    (local $s2_2 i64)
    (local $s2_3 i64)
    (local $s2_4 i64)
    (local $r2_0 i64)
    (local $r2_1 i64)
    (local $r2_2 i64)
    (local $r2_3 i64)
    (local $r2_4 i64)
    (local $x_0 i64)
    (local $x_1 i64)
    (local $x_2 i64)
    (local $x_3 i64)
    (local $x_4 i64)
    (local $y_0 i64)
    (local $y_1 i64)
    (local $y_2 i64)
    (local $y_3 i64)
    (local $y_4 i64)
    (local.set $hibit (i64.extend_i32_u (local.get $hibit32)))
    (local.set $end (i32.add (local.get $ptr) (i32.and (local.get $len) (i32.const -16))))
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
    (local.set $s_1 (i64.load offset=192 (i32.const 0)))
    (local.set $s_2 (i64.load offset=200 (i32.const 0)))
    (local.set $s_3 (i64.load offset=208 (i32.const 0)))
    (local.set $s_4 (i64.load offset=216 (i32.const 0)))
    (local.set $s2_1 (i64.load offset=224 (i32.const 0)))
    (local.set $s2_2 (i64.mul (local.get $r_1) (i64.const 5)))
    (local.set $r2_1 (i64.mul (local.get $s_2) (i64.const 5)))
    (local.set $s2_3 (i64.mul (local.get $r_2) (i64.const 5)))
    (local.set $r2_2 (i64.mul (local.get $s_3) (i64.const 5)))
    (local.set $s2_4 (i64.mul (local.get $r_3) (i64.const 5)))
    (local.set $r2_3 (i64.mul (local.get $s_4) (i64.const 5)))
    (local.set $r2_0 (i64.mul (local.get $r_4) (i64.const 5)))
    (local.set $r2_4 (i64.mul (local.get $s2_1) (i64.const 5)))
    (block $twoDone
      (loop $twoBlocks
        (br_if $twoDone (i32.lt_u (i32.sub (local.get $end) (local.get $ptr)) (i32.const 32)))
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
        (local.set $y_1
          (i64.and (i64.shr_u (i64.load32_u offset=19 (local.get $ptr)) (i64.const 2)) (i64.const 0x3ffffff)))
        (local.set $y_2
          (i64.and (i64.shr_u (i64.load32_u offset=22 (local.get $ptr)) (i64.const 4)) (i64.const 0x3ffffff)))
        (local.set $y_3 (i64.shr_u (i64.load32_u offset=25 (local.get $ptr)) (i64.const 6)))
        (local.set $y_4
          (i64.or (i64.shr_u (i64.load32_u offset=28 (local.get $ptr)) (i64.const 8)) (local.get $hibit)))
        (local.set $d_0
          (i64.add
            (i64.add
              (i64.add
                (i64.add
                  (i64.add
                    (i64.add
                      (i64.add
                        (i64.add
                          (i64.add
                            (i64.mul (local.get $x_0) (local.get $s_1))
                            (i64.mul (local.get $x_1) (local.get $r2_4)))
                          (i64.mul (local.get $x_2) (local.get $r2_3)))
                        (i64.mul (local.get $x_3) (local.get $r2_2)))
                      (i64.mul (local.get $x_4) (local.get $r2_1)))
                    (i64.mul (local.get $y_0) (local.get $r_0)))
                  (i64.mul (local.get $y_1) (local.get $r2_0)))
                (i64.mul (local.get $y_2) (local.get $s2_4)))
              (i64.mul (local.get $y_3) (local.get $s2_3)))
            (i64.mul (local.get $y_4) (local.get $s2_2))))
        (local.set $d_1
          (i64.add
            (i64.add
              (i64.add
                (i64.add
                  (i64.add
                    (i64.add
                      (i64.add
                        (i64.add
                          (i64.add
                            (i64.mul (local.get $x_0) (local.get $s_2))
                            (i64.mul (local.get $x_1) (local.get $s_1)))
                          (i64.mul (local.get $x_2) (local.get $r2_4)))
                        (i64.mul (local.get $x_3) (local.get $r2_3)))
                      (i64.mul (local.get $x_4) (local.get $r2_2)))
                    (i64.mul (local.get $y_0) (local.get $r_1)))
                  (i64.mul (local.get $y_1) (local.get $r_0)))
                (i64.mul (local.get $y_2) (local.get $r2_0)))
              (i64.mul (local.get $y_3) (local.get $s2_4)))
            (i64.mul (local.get $y_4) (local.get $s2_3))))
        (local.set $d_2
          (i64.add
            (i64.add
              (i64.add
                (i64.add
                  (i64.add
                    (i64.add
                      (i64.add
                        (i64.add
                          (i64.add
                            (i64.mul (local.get $x_0) (local.get $s_3))
                            (i64.mul (local.get $x_1) (local.get $s_2)))
                          (i64.mul (local.get $x_2) (local.get $s_1)))
                        (i64.mul (local.get $x_3) (local.get $r2_4)))
                      (i64.mul (local.get $x_4) (local.get $r2_3)))
                    (i64.mul (local.get $y_0) (local.get $r_2)))
                  (i64.mul (local.get $y_1) (local.get $r_1)))
                (i64.mul (local.get $y_2) (local.get $r_0)))
              (i64.mul (local.get $y_3) (local.get $r2_0)))
            (i64.mul (local.get $y_4) (local.get $s2_4))))
        (local.set $d_3
          (i64.add
            (i64.add
              (i64.add
                (i64.add
                  (i64.add
                    (i64.add
                      (i64.add
                        (i64.add
                          (i64.add
                            (i64.mul (local.get $x_0) (local.get $s_4))
                            (i64.mul (local.get $x_1) (local.get $s_3)))
                          (i64.mul (local.get $x_2) (local.get $s_2)))
                        (i64.mul (local.get $x_3) (local.get $s_1)))
                      (i64.mul (local.get $x_4) (local.get $r2_4)))
                    (i64.mul (local.get $y_0) (local.get $r_3)))
                  (i64.mul (local.get $y_1) (local.get $r_2)))
                (i64.mul (local.get $y_2) (local.get $r_1)))
              (i64.mul (local.get $y_3) (local.get $r_0)))
            (i64.mul (local.get $y_4) (local.get $r2_0))))
        (local.set $d_4
          (i64.add
            (i64.add
              (i64.add
                (i64.add
                  (i64.add
                    (i64.add
                      (i64.add
                        (i64.add
                          (i64.add
                            (i64.mul (local.get $x_0) (local.get $s2_1))
                            (i64.mul (local.get $x_1) (local.get $s_4)))
                          (i64.mul (local.get $x_2) (local.get $s_3)))
                        (i64.mul (local.get $x_3) (local.get $s_2)))
                      (i64.mul (local.get $x_4) (local.get $s_1)))
                    (i64.mul (local.get $y_0) (local.get $r_4)))
                  (i64.mul (local.get $y_1) (local.get $r_3)))
                (i64.mul (local.get $y_2) (local.get $r_2)))
              (i64.mul (local.get $y_3) (local.get $r_1)))
            (i64.mul (local.get $y_4) (local.get $r_0))))
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
        (local.set $d_0
          (i64.add
            (i64.add
              (i64.add
                (i64.add (i64.mul (local.get $x_0) (local.get $r_0)) (i64.mul (local.get $x_1) (local.get $r2_0)))
                (i64.mul (local.get $x_2) (local.get $s2_4)))
              (i64.mul (local.get $x_3) (local.get $s2_3)))
            (i64.mul (local.get $x_4) (local.get $s2_2))))
        (local.set $d_1
          (i64.add
            (i64.add
              (i64.add
                (i64.add (i64.mul (local.get $x_0) (local.get $r_1)) (i64.mul (local.get $x_1) (local.get $r_0)))
                (i64.mul (local.get $x_2) (local.get $r2_0)))
              (i64.mul (local.get $x_3) (local.get $s2_4)))
            (i64.mul (local.get $x_4) (local.get $s2_3))))
        (local.set $d_2
          (i64.add
            (i64.add
              (i64.add
                (i64.add (i64.mul (local.get $x_0) (local.get $r_2)) (i64.mul (local.get $x_1) (local.get $r_1)))
                (i64.mul (local.get $x_2) (local.get $r_0)))
              (i64.mul (local.get $x_3) (local.get $r2_0)))
            (i64.mul (local.get $x_4) (local.get $s2_4))))
        (local.set $d_3
          (i64.add
            (i64.add
              (i64.add
                (i64.add (i64.mul (local.get $x_0) (local.get $r_3)) (i64.mul (local.get $x_1) (local.get $r_2)))
                (i64.mul (local.get $x_2) (local.get $r_1)))
              (i64.mul (local.get $x_3) (local.get $r_0)))
            (i64.mul (local.get $x_4) (local.get $r2_0))))
        (local.set $d_4
          (i64.add
            (i64.add
              (i64.add
                (i64.add (i64.mul (local.get $x_0) (local.get $r_4)) (i64.mul (local.get $x_1) (local.get $r_3)))
                (i64.mul (local.get $x_2) (local.get $r_2)))
              (i64.mul (local.get $x_3) (local.get $r_1)))
            (i64.mul (local.get $x_4) (local.get $r_0))))
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
    (i64.store offset=112 (i32.const 0) (local.get $h_0))
    (i64.store offset=120 (i32.const 0) (local.get $h_1))
    (i64.store offset=128 (i32.const 0) (local.get $h_2))
    (i64.store offset=136 (i32.const 0) (local.get $h_3))
    (i64.store offset=144 (i32.const 0) (local.get $h_4)))
  (func $finish (export "finish")
    (local $h_0 i64)
    (local $h_1 i64)
    (local $h_2 i64)
    (local $h_3 i64)
    (local $h_4 i64)
    (local $g_0 i64)
    (local $g_1 i64)
    (local $g_2 i64)
    (local $g_3 i64)
    (local $g_4 i64)
    (local $c i64)
    (local $mask i64)
    (local $f i64)
    (local.set $h_0 (i64.load offset=112 (i32.const 0)))
    (local.set $h_1 (i64.load offset=120 (i32.const 0)))
    (local.set $h_2 (i64.load offset=128 (i32.const 0)))
    (local.set $h_3 (i64.load offset=136 (i32.const 0)))
    (local.set $h_4 (i64.load offset=144 (i32.const 0)))
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
    (local.set $g_4 (i64.sub (local.get $g_4) (i64.const 67108864)))
    (local.set $mask (i64.sub (i64.shr_u (local.get $g_4) (i64.const 63)) (i64.const 1)))
    (local.set $h_0
      (i64.or
        (i64.and (local.get $g_0) (local.get $mask))
        (i64.and (local.get $h_0) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_1
      (i64.or
        (i64.and (local.get $g_1) (local.get $mask))
        (i64.and (local.get $h_1) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_2
      (i64.or
        (i64.and (local.get $g_2) (local.get $mask))
        (i64.and (local.get $h_2) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_3
      (i64.or
        (i64.and (local.get $g_3) (local.get $mask))
        (i64.and (local.get $h_3) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $h_4
      (i64.or
        (i64.and (local.get $g_4) (local.get $mask))
        (i64.and (local.get $h_4) (i64.xor (local.get $mask) (i64.const -1)))))
    (local.set $f
      (i64.add
        (i64.and (i64.or (local.get $h_0) (i64.shl (local.get $h_1) (i64.const 26))) (i64.const 0xffffffff))
        (i64.load32_u offset=16 (i32.const 0))))
    (i64.store32 offset=96 (i32.const 0) (local.get $f))
    (local.set $f
      (i64.add
        (i64.add
          (i64.and
            (i64.or (i64.shr_u (local.get $h_1) (i64.const 6)) (i64.shl (local.get $h_2) (i64.const 20)))
            (i64.const 0xffffffff))
          (i64.load32_u offset=20 (i32.const 0)))
        (i64.shr_u (local.get $f) (i64.const 32))))
    (i64.store32 offset=100 (i32.const 0) (local.get $f))
    (local.set $f
      (i64.add
        (i64.add
          (i64.and
            (i64.or (i64.shr_u (local.get $h_2) (i64.const 12)) (i64.shl (local.get $h_3) (i64.const 14)))
            (i64.const 0xffffffff))
          (i64.load32_u offset=24 (i32.const 0)))
        (i64.shr_u (local.get $f) (i64.const 32))))
    (i64.store32 offset=104 (i32.const 0) (local.get $f))
    (local.set $f
      (i64.add
        (i64.add
          (i64.and
            (i64.or (i64.shr_u (local.get $h_3) (i64.const 18)) (i64.shl (local.get $h_4) (i64.const 8)))
            (i64.const 0xffffffff))
          (i64.load32_u offset=28 (i32.const 0)))
        (i64.shr_u (local.get $f) (i64.const 32))))
    (i64.store32 offset=108 (i32.const 0) (local.get $f)))
  (func $powers (export "powers")
    (local $d_0 i64)
    (local $d_1 i64)
    (local $d_2 i64)
    (local $d_3 i64)
    (local $d_4 i64)
    (local $r3_0 i64)
    (local $r3_1 i64)
    (local $r3_2 i64)
    (local $r3_3 i64)
    (local $r3_4 i64)
    (local $r4_0 i64)
    (local $r4_1 i64)
    (local $r4_2 i64)
    (local $r4_3 i64)
    (local $r4_4 i64)
    (local $c i64)
    (local.set $d_0
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=152 (i32.const 0)))
              (i64.mul
                (i64.load offset=200 (i32.const 0))
                (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=160 (i32.const 0)) (i64.const 5)))))
    (local.set $d_1
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=160 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=168 (i32.const 0)) (i64.const 5)))))
    (local.set $d_2
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=168 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=176 (i32.const 0)) (i64.const 5)))))
    (local.set $d_3
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=176 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=152 (i32.const 0))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=184 (i32.const 0)) (i64.const 5)))))
    (local.set $d_4
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=184 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=176 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=168 (i32.const 0))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=160 (i32.const 0))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.load offset=152 (i32.const 0)))))
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
    (local.set $d_0
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=192 (i32.const 0)))
              (i64.mul
                (i64.load offset=200 (i32.const 0))
                (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=216 (i32.const 0)) (i64.const 5))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=208 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=200 (i32.const 0)) (i64.const 5)))))
    (local.set $d_1
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=200 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=192 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=216 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=208 (i32.const 0)) (i64.const 5)))))
    (local.set $d_2
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=208 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=200 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=192 (i32.const 0))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=216 (i32.const 0)) (i64.const 5)))))
    (local.set $d_3
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=216 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=208 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=200 (i32.const 0))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=192 (i32.const 0))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.mul (i64.load offset=224 (i32.const 0)) (i64.const 5)))))
    (local.set $d_4
      (i64.add
        (i64.add
          (i64.add
            (i64.add
              (i64.mul (i64.load offset=192 (i32.const 0)) (i64.load offset=224 (i32.const 0)))
              (i64.mul (i64.load offset=200 (i32.const 0)) (i64.load offset=216 (i32.const 0))))
            (i64.mul (i64.load offset=208 (i32.const 0)) (i64.load offset=208 (i32.const 0))))
          (i64.mul (i64.load offset=216 (i32.const 0)) (i64.load offset=200 (i32.const 0))))
        (i64.mul (i64.load offset=224 (i32.const 0)) (i64.load offset=192 (i32.const 0)))))
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