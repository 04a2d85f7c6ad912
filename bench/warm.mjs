// The warm phase: the backend (dist/server.js over IPC, started once, as the extension starts it) against a
// `restic backup` process of restic 0.18, on the same workspace, one file changed before each backup, alternating.
// Also the backend's idle footprint: its RSS (/proc/PID/status VmRSS) and thread count at start, right after a
// backup and IDLE_WAIT_MS later.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createMessageConnection, IPCMessageReader, IPCMessageWriter } = require('vscode-jsonrpc/node');
const { BACKEND_EXEC_ARGV, backendMemoryEnv } = require('../dist/backendMemory.js');

const IDLE_WAIT_MS = Number(process.env.BENCH_IDLE_WAIT_MS || 10_000);

/**
 * Backup requests carry the change list as the client sends it (BackupParams.changes, shared/src/protocol.ts: the
 * changed path since the last snapshot this backend made, the watched folder; the first request says the watcher
 * just started). A backend without change-driven backups ignores the field. BENCH_WARM_CHANGES=0 leaves it out.
 */
const sendChanges = process.env.BENCH_WARM_CHANGES !== '0';

function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  return { rssMiB: field('VmRSS') / 1024, threads: field('Threads') };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The backend process over IPC, as client/src/backend.ts starts it (vscode-languageclient's TransportKind.ipc). */
async function startBackend(server, env) {
  // As the extension starts it (client/src/backendMemory.ts): V8's young generation capped, glibc's malloc limited,
  // jemalloc where the system has it (LOCKSTEP_BACKEND_JEMALLOC=0: not); a MALLOC_* variable in the bench's
  // environment replaces one of them. BENCH_BACKEND_NODE_FLAGS replaces the flags, to compare ("" for Node's defaults).
  const flags = process.env.BENCH_BACKEND_NODE_FLAGS === undefined ? [...BACKEND_EXEC_ARGV] : process.env.BENCH_BACKEND_NODE_FLAGS.split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, server, '--node-ipc', `--clientProcessId=${process.pid}`], { env: { ...backendMemoryEnv(), ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification(() => undefined);
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { window: { workDoneProgress: true } } });
  connection.sendNotification('initialized', {});
  return {
    pid: child.pid,
    stderr: () => stderr,
    request: (method, params) => connection.sendRequest(method, params),
    async stop() {
      connection.dispose();
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    },
  };
}

/** Files of the workspace, to pick the one to change from. */
function listFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, out);
    else if (entry.isFile() && !entry.name.startsWith('.')) out.push(full);
  }
  return out;
}

/** Replaces a file with new content of the same size (a new inode: the workspace is a hard-linked copy of the data). */
function changeFile(file) {
  const size = readFileSync(file).length;
  const tmp = `${file}.bench-tmp`;
  writeFileSync(tmp, randomBytes(Math.max(16, size)).toString('base64').slice(0, size));
  renameSync(tmp, file);
}

/**
 * One workspace: a hard-linked copy of `tree`, a restic 0.18 repository and a Lockstep one (same key parameters),
 * an untimed first backup by each (reported), `rounds` alternating timed rounds, and the backend's RSS.
 */
export async function warmPhase({ label, tree, workDir, server, restic18, password, rounds, log }) {
  const slug = label.replace(/\W+/g, '-');
  const workspace = path.join(workDir, `warm-${slug}-workspace`);
  const resticRepo = path.join(workDir, `warm-${slug}-restic`);
  const lockstepRepo = path.join(workDir, `warm-${slug}-lockstep`);
  const cache = path.join(workDir, `warm-${slug}-restic-cache`);
  for (const p of [workspace, resticRepo, lockstepRepo, cache]) rmSync(p, { recursive: true, force: true });
  const cp = spawnSync('cp', ['-al', tree, workspace]);
  if (cp.status !== 0) throw new Error(`cp -al failed: ${cp.stderr}`);
  rmSync(path.join(workspace, '.complete'), { force: true });
  const resticEnv = { ...process.env, RESTIC_REPOSITORY: resticRepo, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: cache };
  const resticRun = (args) => {
    spawnSync('sync');
    const start = performance.now();
    const r = spawnSync(restic18, args, { env: resticEnv, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`restic ${args.join(' ')} failed:\n${r.stderr}`);
    return performance.now() - start;
  };
  resticRun(['init']);
  const key = JSON.parse(readFileSync(path.join(resticRepo, 'keys', readdirSync(path.join(resticRepo, 'keys'))[0]), 'utf8'));
  const init = spawnSync(process.execPath, [path.join(path.dirname(server), 'cli.js'), 'init'], {
    env: { ...process.env, RESTIC_REPOSITORY: lockstepRepo, RESTIC_PASSWORD: password, LOCKSTEP_KDF_N: String(key.N), LOCKSTEP_KDF_R: String(key.r), LOCKSTEP_KDF_P: String(key.p) },
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`lockstep init failed:\n${init.stderr}`);

  const env = { PATH: process.env.PATH, HOME: process.env.HOME, RESTIC_REPOSITORY: lockstepRepo, RESTIC_PASSWORD: password };
  // For trying the backend's memory settings: NODE_OPTIONS, MALLOC_* and LOCKSTEP_* reach it when the bench has them.
  for (const name of Object.keys(process.env)) if (name === 'NODE_OPTIONS' || name.startsWith('MALLOC_') || name.startsWith('LOCKSTEP_')) env[name] = process.env[name];
  const backend = await startBackend(server, env);
  const result = { label, rounds: [], rss: {} };
  try {
    await sleep(500);
    result.rss.start = status(backend.pid);
    const files = listFiles(workspace);
    let since;
    const backupParams = (changed) => {
      if (!sendChanges) return { paths: [workspace] };
      const changes = { since, paths: changed ? [changed] : [], watchedFolders: [workspace], ...(since ? {} : { fullWalk: 'watcher-started' }) };
      return { paths: [workspace], changes };
    };
    result.changeDriven = 0;
    const backendBackup = async (changed) => {
      spawnSync('sync');
      const start = performance.now();
      const answer = await backend.request('lockstep/backup', backupParams(changed));
      const ms = performance.now() - start;
      since = answer.snapshotId;
      if (answer.walk?.changeDriven) result.changeDriven++;
      return ms;
    };
    result.first = { backendMs: await backendBackup(undefined), resticMs: resticRun(['backup', '--quiet', workspace]) };
    result.rss.afterFirst = status(backend.pid);
    await sleep(IDLE_WAIT_MS);
    result.rss.idleAfterFirst = status(backend.pid);
    log(`  ${label}: first backup: backend ${result.first.backendMs.toFixed(0)} ms, restic 0.18 ${result.first.resticMs.toFixed(0)} ms; RSS start ${result.rss.start.rssMiB.toFixed(1)} MiB, after ${result.rss.afterFirst.rssMiB.toFixed(1)}, ${IDLE_WAIT_MS / 1000} s later ${result.rss.idleAfterFirst.rssMiB.toFixed(1)}`);
    let seed = 7;
    for (let round = 0; round < rounds; round++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const changed = files[seed % files.length];
      changeFile(changed);
      let backendMs = 0;
      let resticMs = 0;
      for (const tool of round % 2 === 0 ? ['backend', 'restic'] : ['restic', 'backend']) {
        if (tool === 'backend') backendMs = await backendBackup(changed);
        else resticMs = resticRun(['backup', '--quiet', workspace]);
      }
      result.rounds.push({ backendMs, resticMs });
      log(`  ${label}: round ${round + 1}: backend ${backendMs.toFixed(0)} ms, restic 0.18 ${resticMs.toFixed(0)} ms (${(backendMs / resticMs).toFixed(2)})`);
    }
    result.rss.afterLast = status(backend.pid);
    await sleep(IDLE_WAIT_MS);
    result.rss.idleAfterLast = status(backend.pid);
  } catch (err) {
    throw new Error(`${err.message}\nbackend stderr:\n${backend.stderr()}`);
  } finally {
    await backend.stop();
    for (const p of [workspace, resticRepo, lockstepRepo, cache]) rmSync(p, { recursive: true, force: true });
  }
  result.medianBackendMs = median(result.rounds.map((r) => r.backendMs));
  result.medianResticMs = median(result.rounds.map((r) => r.resticMs));
  result.medianRatio = median(result.rounds.map((r) => r.backendMs / r.resticMs));
  return result;
}

export function printWarm(results) {
  console.log(`\n| workspace | first backup: backend / restic 0.18 ms | warm median backend ms | warm median restic 0.18 ms | median ratio | rounds (change-driven; change list ${sendChanges ? 'sent' : 'not sent'}) |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.label} | ${r.first.backendMs.toFixed(0)} / ${r.first.resticMs.toFixed(0)} (${(r.first.backendMs / r.first.resticMs).toFixed(2)}) | ${r.medianBackendMs.toFixed(0)} | ${r.medianResticMs.toFixed(0)} | ${r.medianRatio.toFixed(2)} | ${r.rounds.length} (${r.changeDriven}) |`);
  }
  const memory = backendMemoryEnv();
  const allocator = memory.LOCKSTEP_PRELOADED_ALLOCATOR;
  console.log(`\nThe backend's allocator: ${allocator ? `jemalloc (${allocator}, MALLOC_CONF ${process.env.MALLOC_CONF ?? memory.MALLOC_CONF})` : "glibc's malloc"}.`);
  console.log(`\n| workspace | backend RSS MiB (threads): start | after first backup | ${IDLE_WAIT_MS / 1000} s later | after last warm backup | ${IDLE_WAIT_MS / 1000} s later |`);
  console.log('|---|---|---|---|---|---|');
  const f = (s) => `${s.rssMiB.toFixed(1)} (${s.threads})`;
  for (const r of results) console.log(`| ${r.label} | ${f(r.rss.start)} | ${f(r.rss.afterFirst)} | ${f(r.rss.idleAfterFirst)} | ${f(r.rss.afterLast)} | ${f(r.rss.idleAfterLast)} |`);
}
