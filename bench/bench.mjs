// `npm run bench`: Lockstep vs restic on the same generated data, alternately, in one run. BENCH_PHASES picks the
// phases (comma-separated; default all):
//   big       1 GiB random file, CLI vs restic 0.14: initial backup, unchanged backup, restore
//   small     5,000 small files (~100 MB), the same three
//   small50k  50,000 small files (~400 MB), CLI vs restic 0.14: initial backup
//   warm      the backend over JSON-RPC, started once, vs `restic backup` of restic 0.18, one file changed before
//             each backup, at 5,000 and 50,000 files (bench/warm.mjs); and the backend's idle RSS
//   warm5k, warm50k  the warm phase at one size only
// BENCH_ROUNDS (cold phases, default 1) and BENCH_WARM_ROUNDS (default 5) set the rounds; medians are reported.
// Prints the time of each phase, the Lockstep/restic ratios and peak RSS (GNU time's %M). Before each command the
// files it reads are read once, so both tools meet a warm page cache.
import { spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { homedir } from 'node:os';
import { bigFile, smallTree } from './data.mjs';
import { printWarm, warmPhase } from './warm.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, 'bench', 'data');
const workDir = path.join(root, 'bench', 'work');
// The command users run: bin/lockstep, which keeps NODE_EXTRA_CA_CERTS out of Node's start-up where it is set.
const launcher = path.join(root, 'bin', 'lockstep');
const restic = process.env.RESTIC_BIN || '/usr/bin/restic';
const restic18 = process.env.RESTIC18_BIN || path.join(process.env.LOCKSTEP_PEERS_DIR ?? path.join(homedir(), '.cache', 'lockstep-peers'), 'bin', 'restic-0.18');
const rounds = Number(process.env.BENCH_ROUNDS || 1);
const warmRounds = Number(process.env.BENCH_WARM_ROUNDS || 5);
const bigSize = Number(process.env.BENCH_BIG_MIB || 1024) * 1024 * 1024;
const smallCount = Number(process.env.BENCH_SMALL_FILES || 5000);
const allPhases = ['big', 'small', 'small50k', 'warm', 'warm5k', 'warm50k'];
const phases = (process.env.BENCH_PHASES || allPhases.join(',')).split(',').map((p) => p.trim()).filter(Boolean);
for (const p of phases) if (!allPhases.includes(p)) throw new Error(`BENCH_PHASES: unknown phase "${p}" (phases: ${allPhases.join(', ')})`);
const timeBin = '/usr/bin/time';
const password = 'bench-password';
const log = (line) => process.stderr.write(`${line}\n`);

/** Every command starts with nothing of the one before still being written back (a restore leaves GBs dirty). */
function settle() {
  spawnSync('sync');
}

/**
 * Reads every file under `dirs` once, right before a command: both tools find what they read, their own programs
 * included, in the page cache. Without it the first command after the 1 GiB phase (or after this VM's kdamond
 * reclaimed the cache) read its tree and its program from disk, and the tools alternate who goes first: with 3
 * rounds one of them went first in 2, and Node's binary is four times restic's.
 */
function warmPageCache(dirs) {
  for (const dir of dirs) {
    const read = spawnSync('sh', ['-c', 'find "$1" -type f -exec cat {} + > /dev/null', 'sh', dir]);
    if (read.status !== 0) throw new Error(`could not read ${dir} into the page cache: ${read.stderr}`);
  }
}

/** Jiffies all cores spent busy (waiting for the disk counts as busy) and in all, from /proc/stat. */
function cpuTimes() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3];
  const total = fields.reduce((sum, n) => sum + n, 0);
  return { busy: total - idle, total };
}

const QUIET_SHARE = 0.1;
const QUIET_WINDOW_MS = 300;
const QUIET_MAX_MS = 10_000;
let busyStarts = 0;

/**
 * Waits (10 s at most) until the machine's cores are 90 % idle over 300 ms. After a phase that wrote 1 GiB the kernel
 * went on working for a while after `sync` (more involuntary context switches in the next command, at the same CPU
 * time), and that cost most the tool that keeps both cores busy: Lockstep's first backup of 5,000 files took
 * 1.04-1.09 s where it went first in a round against 0.91-0.95 s going second, with the same user time.
 */
function waitForQuiet() {
  const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const start = Date.now();
  for (;;) {
    const before = cpuTimes();
    sleep(QUIET_WINDOW_MS);
    const after = cpuTimes();
    if ((after.busy - before.busy) / Math.max(1, after.total - before.total) <= QUIET_SHARE) return;
    if (Date.now() - start >= QUIET_MAX_MS) {
      busyStarts++;
      return;
    }
  }
}

function timed(label, argv, env, reads = []) {
  settle();
  warmPageCache(reads);
  waitForQuiet();
  const result = spawnSync(timeBin, ['-f', '__TIME__ %e %M', ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = result.stderr.split('\n').find((l) => l.startsWith('__TIME__'));
  if (result.status !== 0 || !line) throw new Error(`${label} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
  const [, seconds, kib] = line.split(' ');
  return { seconds: Number(seconds), rssMiB: Number(kib) / 1024 };
}

const lockstepProgram = lockstepFiles();
const tools = {
  lockstep: (repo) => ({ cmd: [launcher], env: { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password }, program: lockstepProgram }),
  restic: (repo) => ({ cmd: [restic], env: { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: path.join(workDir, 'restic-cache') }, program: [restic] }),
};

/** What Lockstep's command reads to start: the `node` bin/lockstep runs (the first on PATH) and the bundles. */
function lockstepFiles() {
  const which = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' });
  return [realpathSync(which.stdout.trim() || process.execPath), path.join(root, 'dist')];
}

function repoPaths(tool, name) {
  return { repo: path.join(workDir, `${tool}-${name}`), target: path.join(workDir, `${tool}-${name}-restore`) };
}

/**
 * Both repositories for one dataset, restic's first: restic calibrates scrypt at init (p varies from 4 to 7 here
 * between runs, ±0.15 s on every command), so Lockstep's key gets the same parameters and both tools derive
 * their keys with equal work. (Lockstep calibrates the same way when LOCKSTEP_KDF_* are not set.)
 */
function initRepos(name) {
  rmSync(path.join(workDir, 'restic-cache'), { recursive: true, force: true });
  const kdfEnv = {};
  for (const tool of ['restic', 'lockstep']) {
    const { repo, target } = repoPaths(tool, name);
    rmSync(repo, { recursive: true, force: true });
    rmSync(target, { recursive: true, force: true });
    const { cmd, env } = tools[tool](repo);
    const init = spawnSync(cmd[0], [...cmd.slice(1), 'init'], { env: { ...process.env, ...env, ...(tool === 'lockstep' ? kdfEnv : {}) }, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`${tool} init failed:\n${init.stderr}`);
    if (tool === 'restic') {
      const keyDir = path.join(repo, 'keys');
      const key = JSON.parse(readFileSync(path.join(keyDir, readdirSync(keyDir)[0]), 'utf8'));
      Object.assign(kdfEnv, { LOCKSTEP_KDF_N: String(key.N), LOCKSTEP_KDF_R: String(key.r), LOCKSTEP_KDF_P: String(key.p) });
    }
  }
}

function runPhases(tool, dataset, name, initialOnly) {
  const { repo, target } = repoPaths(tool, name);
  const { cmd, env, program } = tools[tool](repo);
  const results = { 'initial backup': timed(`${tool} backup`, [...cmd, 'backup', '--quiet', dataset], env, [...program, dataset]) };
  if (!initialOnly) {
    results['unchanged backup'] = timed(`${tool} backup again`, [...cmd, 'backup', '--quiet', dataset], env, [...program, dataset, repo]);
    results.restore = timed(`${tool} restore`, [...cmd, 'restore', 'latest', '--target', target], env, [...program, repo]);
  }
  rmSync(repo, { recursive: true, force: true });
  rmSync(target, { recursive: true, force: true });
  return results;
}

mkdirSync(workDir, { recursive: true });
const started = performance.now();
log(`bench phases: ${phases.join(', ')}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
const datasets = {};
if (phases.includes('big')) datasets['1 GiB random file'] = { dir: bigFile(dataDir, bigSize) };
const warmSizes = ['5,000 small files', '50,000 small files'].filter((_, i) => phases.includes('warm') || phases.includes(['warm5k', 'warm50k'][i]));
if (phases.includes('small') || warmSizes.includes('5,000 small files')) datasets['5,000 small files'] = { dir: smallTree(dataDir, 'tree', smallCount, 80), cold: phases.includes('small') };
if (phases.includes('small50k') || warmSizes.includes('50,000 small files')) datasets['50,000 small files'] = { dir: smallTree(dataDir, 'tree50k', 50_000, 28), cold: phases.includes('small50k'), initialOnly: true };
if (datasets['1 GiB random file']) datasets['1 GiB random file'].cold = true;
const totals = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, { dir, cold, initialOnly }] of Object.entries(datasets)) {
    if (!cold) continue;
    const order = round % 2 === 0 ? ['lockstep', 'restic'] : ['restic', 'lockstep'];
    const slug = name.replace(/\W+/g, '-');
    initRepos(slug);
    for (const tool of order) {
      const results = runPhases(tool, dir, slug, initialOnly);
      for (const [phase, r] of Object.entries(results)) {
        const key = `${name} | ${phase}`;
        log(`  ${key}: ${tool} ${r.seconds.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB`);
        totals[key] ??= { lockstep: [], restic: [] };
        totals[key][tool].push(r);
      }
    }
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const warmResults = [];
for (const name of warmSizes) {
  {
    warmResults.push(await warmPhase({ label: name, tree: datasets[name].dir, workDir, server: path.join(root, 'dist', 'server.js'), restic18, password, rounds: warmRounds, log }));
  }
}
if (Object.keys(totals).length > 0) {
  console.log(`| data | phase | Lockstep s | restic 0.14 s | time ratio (median of ${rounds} per-round ratios) | Lockstep RSS MiB | restic RSS MiB | RSS ratio (peak) |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [key, t] of Object.entries(totals)) {
    const [data, phase] = key.split(' | ');
    const ls = median(t.lockstep.map((r) => r.seconds));
    const rs = median(t.restic.map((r) => r.seconds));
    const ratio = median(t.lockstep.map((r, i) => r.seconds / t.restic[i].seconds));
    const lr = Math.max(...t.lockstep.map((r) => r.rssMiB));
    const rr = Math.max(...t.restic.map((r) => r.rssMiB));
    console.log(`| ${data} | ${phase} | ${ls.toFixed(2)} | ${rs.toFixed(2)} | ${ratio.toFixed(2)} | ${lr.toFixed(0)} | ${rr.toFixed(0)} | ${(lr / rr).toFixed(2)} |`);
  }
}
if (warmResults.length > 0) printWarm(warmResults);
console.log(`\nbench ran ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
if (busyStarts > 0) console.log(`${busyStarts} timed command(s) started on a busy machine (cores not 90 % idle within ${QUIET_MAX_MS / 1000} s)`);
