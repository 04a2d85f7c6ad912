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
// What glibc keeps after that is free memory between blocks still in use, which it gives back only when asked
// (malloc_trim, which Node cannot call). jemalloc gives such pages back by itself a while after they are freed: where
// the system has it (Debian's libjemalloc2) and the backend runs on Node, the backend runs on it. Measured the same
// way, 50,000 files: +41 MB on glibc, +18 to +21 MB on jemalloc (its own start is 3.5 MB higher, its idle 20 MB
// lower), and the first backup 1.19-1.43 → 0.96-1.11 × restic 0.18's time; with zstd's instance dropped and two
// collections at rest (server.ts), +33 to +36 MB on glibc and +9 to +14 MB on jemalloc (+8 to +9 at 5,000 files).
// VS Code's desktop extension host is Electron, whose allocator is its own (PartitionAlloc), so nothing is preloaded
// there. LOCKSTEP_BACKEND_JEMALLOC=0 in VS Code's environment turns it off; a MALLOC_CONF of the user's replaces the
// settings below.
// bench/warm.mjs starts its backend with the same settings (from dist/backendMemory.js).
import { existsSync } from 'node:fs';
import { ALLOCATOR_CONF_SET, PRELOADED_ALLOCATOR } from '../../shared/src/allocator';

export const BACKEND_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];
const GLIBC_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '32768',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** Where Debian, Ubuntu and Fedora put jemalloc's shared library. */
export const JEMALLOC_PATHS: readonly string[] = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  '/usr/lib64/libjemalloc.so.2',
  '/usr/lib/libjemalloc.so.2',
];

/**
 * jemalloc's settings: two arenas, as glibc's above; freed pages given back after about a second, by a thread of its
 * own so that it happens while the backend is idle too (without it, only the next allocation would).
 */
export const JEMALLOC_CONF = 'narenas:2,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0';

export interface BackendHost {
  /** The extension host's environment, which the backend inherits. */
  env: NodeJS.ProcessEnv;
  /** Whether the extension host (and so the backend, started with its executable) runs on Electron. */
  electron: boolean;
  platform: NodeJS.Platform;
  exists(file: string): boolean;
}

const thisHost = (): BackendHost => ({ env: process.env, electron: process.versions.electron !== undefined, platform: process.platform, exists: existsSync });

/** The variables that set up the backend's memory, to put over the extension host's environment. */
export function backendMemoryEnv(host: BackendHost = thisHost()): Record<string, string> {
  const env: Record<string, string> = { ...GLIBC_MALLOC_ENV };
  // A user who preloads jemalloc already has chosen its settings.
  const preloadedByUser = /libjemalloc/.test(host.env.LD_PRELOAD ?? '');
  const jemalloc = host.env.LOCKSTEP_BACKEND_JEMALLOC === '0' || host.electron || host.platform !== 'linux' || preloadedByUser ? undefined : JEMALLOC_PATHS.find((file) => host.exists(file));
  if (jemalloc === undefined) return env;
  env.LD_PRELOAD = host.env.LD_PRELOAD ? `${jemalloc}:${host.env.LD_PRELOAD}` : jemalloc;
  env[PRELOADED_ALLOCATOR] = jemalloc;
  if (host.env.MALLOC_CONF === undefined) {
    env.MALLOC_CONF = JEMALLOC_CONF;
    env[ALLOCATOR_CONF_SET] = '1';
  }
  return env;
}
