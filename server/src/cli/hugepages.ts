// Transparent huge pages for malloc's large blocks, as bin/lockstep asks glibc for them (GLIBC_TUNABLES
// glibc.malloc.hugetlb=1, read by glibc when the process starts). What it buys is the key derivation: OpenSSL's
// scrypt writes 32 MiB (restic's N=2^15, r=8) that were faulted in 4 KiB at a time, 8,192 faults costing 130 ms of
// its 600 here; in 2 MiB pages the same derivation takes 470 ms (`npm run bench`, phase small: the initial backup of
// 5,000 small files 1.29 → 1.13 × restic 0.14 with OpenSSL's scrypt alone and then with huge pages, the unchanged
// backup 1.16 → 0.92). The launcher puts the user's own GLIBC_TUNABLES after its setting, so a user's
// glibc.malloc.hugetlb wins, and keeps the user's value here to be given back to child processes.
export const HUGEPAGES_SET = 'LOCKSTEP_HUGEPAGES_SET';
export const USER_GLIBC_TUNABLES = 'LOCKSTEP_USER_GLIBC_TUNABLES';

/** Puts GLIBC_TUNABLES in `env` back as the user had it (child processes see it unchanged) once this process runs. */
export function restoreUserGlibcTunables(env: NodeJS.ProcessEnv): void {
  if (env[HUGEPAGES_SET] === undefined) return;
  if (env[USER_GLIBC_TUNABLES] !== undefined) env.GLIBC_TUNABLES = env[USER_GLIBC_TUNABLES];
  else delete env.GLIBC_TUNABLES;
  delete env[HUGEPAGES_SET];
  delete env[USER_GLIBC_TUNABLES];
}
