// How the backend process is started so that it stays small between operations (a VS Code window keeps it for
// hours, mostly idle). Measured with `npm run bench`'s warm phase (5,000 files; VmRSS 10 s after a backup, over the
// 52 MB the process starts with): +31 MB with Node's defaults; +22 MB with V8's young generation capped at 1 MB
// (a backup leaves it grown to 16 MB otherwise); +24 MB with glibc's malloc arenas capped at 2 (each worker thread
// that ran leaves an arena of its own); +15 MB with both. The warm backups took the same time either way (226-263 ms).
// bench/warm.mjs starts its backend with the same settings.
export const BACKEND_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];
export const BACKEND_MEMORY_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
