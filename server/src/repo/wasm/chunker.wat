(module
  (memory $mem (export "mem") 2)
  (func $scan (export "scan") (param $len i32) (param $shift i64) (result i32)
    (local $p i32)
    (local $end i32)
    (local $count i32)
    (local $digest i64)
    (local.set $p (i32.const 4224))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (local.set $digest (i64.load offset=4096 (i32.const 0)))
    (local.set $count (i32.load offset=4104 (i32.const 0)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $digest
          (i64.xor
            (local.get $digest)
            (i64.load (i32.shl (i32.load8_u (i32.sub (local.get $p) (i32.const 64))) (i32.const 3)))))
        (local.set $digest
          (i64.xor
            (i64.or (i64.shl (local.get $digest) (i64.const 8)) (i64.extend_i32_u (i32.load8_u (local.get $p))))
            (i64.load offset=2048
              (i32.shl (i32.wrap_i64 (i64.shr_u (local.get $digest) (local.get $shift))) (i32.const 3)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (if
          (i32.ge_u (local.get $count) (i32.const 524288))
          (then
            (if
              (i32.or
                (i64.eqz (i64.and (local.get $digest) (i64.const 0xfffff)))
                (i32.ge_u (local.get $count) (i32.const 8388608)))
              (then
                (i64.store offset=4096 (i32.const 0) (local.get $digest))
                (i32.store offset=4104 (i32.const 0) (local.get $count))
                (return (i32.sub (local.get $p) (i32.const 4224)))))))
        (br $next)))
    (i64.store offset=4096 (i32.const 0) (local.get $digest))
    (i32.store offset=4104 (i32.const 0) (local.get $count))
    (i32.const -1)))