// How the backend process is started so that it stays small between operations (a VS Code window keeps it for
// hours, mostly idle). Measured with `npm run bench`'s warm phase (VmRSS 10 s after a backup, over the ~51 MB the
// process starts with), 5,000 files: +31 MB with Node's defaults; +22 MB with V8's young generation capped at 1 MB
// (a backup leaves it grown to 16 MB otherwise); +24 MB with glibc's malloc arenas capped at 2 (each worker thread
// that ran leaves an arena of its own); +15 MB with both, and up to +27 MB after a warm backup.
// glibc's malloc gives memory back only from the top of its heap, once more than its trim threshold is free there,
// and it raises that threshold (to twice the largest block it has freed, up to 64 MiB) unless it is set: after a
// 50,000-file backup, 28 MB of the main heap were held with 4 MB in use (malloc_stats through gdb), and a warm
// backup that made and freed an 8 MiB buffer kept 12 MB more. Fixed thresholds (blocks of 32 KiB and more mapped on
// their own, the heap's free top given back past 128 KiB) hold them at +13 MB (5,000 files) and +43 MB (50,000
// files, from +62). The warm backups took the same time either way (217-233 ms at 5,000 files).
// bench/warm.mjs starts its backend with the same settings.
export const BACKEND_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];
export const BACKEND_MEMORY_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '32768',
  MALLOC_TRIM_THRESHOLD_: '131072',
};
