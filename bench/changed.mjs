// Measures a change-driven backup against a full walk through the backend (dist/server.js over JSON-RPC, started
// once, as the extension starts it): one file changed before each backup of a generated workspace, alternating.
//   node bench/changed.mjs            (CHANGED_FILES=5000 CHANGED_ROUNDS=11; LOCKSTEP_KDF_N=1024 LOCKSTEP_KDF_R=8 LOCKSTEP_KDF_P=1)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = createRequire(import.meta.url)('vscode-jsonrpc/node');

const root = path.resolve(import.meta.dirname, '..');
const files = Number(process.env.CHANGED_FILES || 5000);
const rounds = Number(process.env.CHANGED_ROUNDS || 11);
const work = mkdtempSync(path.join(tmpdir(), 'lockstep-changed-'));
const repo = path.join(work, 'repo');
const ws = path.join(work, 'ws');
// LOCKSTEP_KDF_N=1024 (and _R, _P) gives the repository a cheap key, to see the walk without the key derivation.
const kdf = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('LOCKSTEP_KDF_')));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: 'bench', ...kdf };

for (let i = 0; i < files; i++) {
  const dir = path.join(ws, `d${i % 50}`, `e${i % 7}`);
  if (i < 350) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `f${i}.txt`), `file ${i} ${'x'.repeat(i % 3000)}\n`);
}
spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'init'], { env, stdio: 'ignore' });
const child = spawn(process.execPath, [path.join(root, 'dist', 'server.js'), '--stdio'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
connection.onRequest('window/workDoneProgress/create', () => null);
connection.onNotification(() => undefined);
connection.listen();
await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
connection.sendNotification('initialized', {});

const watch = { watchedFolders: [ws], watcherExcludes: [], fullScanMinutes: 1e6 };
const backup = (changes) => connection.sendRequest('lockstep/backup', { paths: [ws], host: 'bench', changes });
let since = (await backup({ ...watch, paths: [], fullWalk: 'watcher-started' })).snapshotId;
const timed = { changes: [], full: [] };
for (let round = 0; round < rounds; round++) {
  for (const kind of round % 2 ? ['full', 'changes'] : ['changes', 'full']) {
    const changed = path.join(ws, `d${round % 50}`, `e${round % 7}`, `f${(round % 50) + 50 * (round % 7)}.txt`);
    writeFileSync(changed, `changed in round ${round} for ${kind}\n`);
    const start = performance.now();
    const result = await backup({ ...watch, since, paths: [changed], fullWalk: kind === 'full' ? 'requested' : undefined });
    timed[kind].push(performance.now() - start);
    since = result.snapshotId;
    if (result.walk.changeDriven !== (kind === 'changes')) throw new Error(`round ${round}: ${JSON.stringify(result.walk)}`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${files} files, ${rounds} rounds: change-driven median ${median(timed.changes).toFixed(0)} ms, full walk median ${median(timed.full).toFixed(0)} ms`);
console.log(`  change-driven: ${timed.changes.map((t) => t.toFixed(0)).join(' ')}\n  full walk:     ${timed.full.map((t) => t.toFixed(0)).join(' ')}`);
connection.dispose();
child.kill();
rmSync(work, { recursive: true, force: true });
