;; A module that only validates where WebAssembly has SIMD128: scryptwasm.ts compiles it to find out whether
;; scrypt.wat can run, and uses Node's scrypt otherwise.
(module
  (func $probe
    (local $v v128)
    (local.set $v (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))))
