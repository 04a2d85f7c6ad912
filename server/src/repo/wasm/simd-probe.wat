(module
  (func $probe
    (local $v v128)
    (local.set $v (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))))
