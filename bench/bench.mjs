// `npm run bench`: Lockstep vs restic 0.14 on the same generated data, alternately, in one run.
// Prints the time of each phase, the Lockstep/restic ratios and peak RSS (GNU time's %M).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, 'bench', 'data');
const workDir = path.join(root, 'bench', 'work');
// The command users run: bin/lockstep, which keeps NODE_EXTRA_CA_CERTS out of Node's start-up where it is set.
const launcher = path.join(root, 'bin', 'lockstep');
const restic = process.env.RESTIC_BIN || '/usr/bin/restic';
const rounds = Number(process.env.BENCH_ROUNDS || 1);
const bigSize = Number(process.env.BENCH_BIG_MIB || 1024) * 1024 * 1024;
const smallCount = Number(process.env.BENCH_SMALL_FILES || 5000);
const timeBin = '/usr/bin/time';
const password = 'bench-password';

function generate() {
  const big = path.join(dataDir, 'big', 'random.bin');
  if (!existsSync(big)) {
    mkdirSync(path.dirname(big), { recursive: true });
    const fd = openSync(big, 'w');
    for (let done = 0; done < bigSize; done += 16 << 20) writeSync(fd, randomBytes(Math.min(16 << 20, bigSize - done)));
    closeSync(fd);
  }
  const small = path.join(dataDir, 'tree');
  if (!existsSync(path.join(small, '.complete'))) {
    rmSync(small, { recursive: true, force: true });
    const words = ['lock', 'step', 'restic', 'backup', 'pack', 'index', 'tree', 'blob', 'snapshot', 'prune', 'chunk', 'key'];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < smallCount; i++) {
      const dir = path.join(small, `d${i % 50}`, `e${i % 7}`);
      mkdirSync(dir, { recursive: true });
      const size = Math.floor(1024 + rnd() * rnd() * 80 * 1024);
      const file = path.join(dir, `f${i}.txt`);
      if (i % 3 === 0) writeFileSync(file, randomBytes(size));
      else {
        let text = '';
        while (text.length < size) text += words[Math.floor(rnd() * words.length)] + (rnd() < 0.1 ? '\n' : ' ');
        writeFileSync(file, text.slice(0, size));
      }
    }
    writeFileSync(path.join(small, '.complete'), '');
  }
  return { big: path.dirname(big), small };
}

/** Every command starts with nothing of the one before still being written back (a restore leaves GBs dirty). */
function settle() {
  spawnSync('sync');
}

function timed(label, argv, env) {
  settle();
  const result = spawnSync(timeBin, ['-f', '__TIME__ %e %M', ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = result.stderr.split('\n').find((l) => l.startsWith('__TIME__'));
  if (result.status !== 0 || !line) throw new Error(`${label} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
  const [, seconds, kib] = line.split(' ');
  return { seconds: Number(seconds), rssMiB: Number(kib) / 1024 };
}

const tools = {
  lockstep: (repo) => ({ cmd: [launcher], env: { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password } }),
  restic: (repo) => ({ cmd: [restic], env: { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: path.join(workDir, 'restic-cache') } }),
};

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

function runPhases(tool, dataset, name) {
  const { repo, target } = repoPaths(tool, name);
  const { cmd, env } = tools[tool](repo);
  const results = {
    'initial backup': timed(`${tool} backup`, [...cmd, 'backup', '--quiet', dataset], env),
    'unchanged backup': timed(`${tool} backup again`, [...cmd, 'backup', '--quiet', dataset], env),
    restore: timed(`${tool} restore`, [...cmd, 'restore', 'latest', '--target', target], env),
  };
  rmSync(repo, { recursive: true, force: true });
  rmSync(target, { recursive: true, force: true });
  return results;
}

mkdirSync(workDir, { recursive: true });
const sets = generate();
const totals = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, dataset] of Object.entries({ '1 GiB random file': sets.big, '5,000 small files': sets.small })) {
    const order = round % 2 === 0 ? ['lockstep', 'restic'] : ['restic', 'lockstep'];
    const slug = name.replace(/\W+/g, '-');
    initRepos(slug);
    for (const tool of order) {
      const phases = runPhases(tool, dataset, slug);
      for (const [phase, r] of Object.entries(phases)) {
        const key = `${name} | ${phase}`;
        totals[key] ??= { lockstep: { seconds: 0, rss: 0 }, restic: { seconds: 0, rss: 0 } };
        totals[key][tool].seconds += r.seconds / rounds;
        totals[key][tool].rss = Math.max(totals[key][tool].rss, r.rssMiB);
      }
    }
  }
}
console.log('| data | phase | Lockstep s | restic s | time ratio | Lockstep RSS MiB | restic RSS MiB | RSS ratio |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [key, t] of Object.entries(totals)) {
  const [data, phase] = key.split(' | ');
  console.log(`| ${data} | ${phase} | ${t.lockstep.seconds.toFixed(2)} | ${t.restic.seconds.toFixed(2)} | ${(t.lockstep.seconds / t.restic.seconds).toFixed(2)} | ${t.lockstep.rss.toFixed(0)} | ${t.restic.rss.toFixed(0)} | ${(t.lockstep.rss / t.restic.rss).toFixed(2)} |`);
}
