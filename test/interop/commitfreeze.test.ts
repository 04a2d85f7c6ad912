// Issue 16 item 2: a backup stopped (standby, SIGSTOP) at any write of its commit path — the index's or the
// snapshot's temporary file being created, written, renamed into place, or just landed — while another client runs
// unlock --remove-all and prune, then resumes. In every round the repository must stay undamaged (Lockstep's check
// each round, restic 0.18's on a sample) and the exit message must be true about what was left. 100 rounds in all,
// in process: the stop is a pause in the backend's save steps, the standby a jump of the injected wall clock.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Backend, FileHandle, FileInfo, FileType, LoadRange, SaveSteps, saveLocalFile } from '../../server/src/backend/backend';
import { LocalBackend } from '../../server/src/backend/local';
import { LockLostError } from '../../server/src/base/errors';
import { runLocked } from '../../server/src/lock/session';
import { lockTiming } from '../../server/src/lock/timing';
import { removeAllLocks } from '../../server/src/lock/unlock';
import { backup } from '../../server/src/ops/backup';
import { check } from '../../server/src/ops/check';
import { prune } from '../../server/src/ops/prune';
import { shortId } from '../../server/src/repo/format/ids';
import { Repository } from '../../server/src/repo/repository';
import { ManualClock } from '../helpers/clock';
import { randomFile } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { repoFiles, waitFor } from '../helpers/process';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';
import { ownerA, ownerB, RESTIC_TIMING } from '../unit/lock/setup';

afterAll(cleanupTempDirs);

const PASSWORD = 'commit freeze';
const MIN = 60_000;
const ROUNDS = 100;

/** Where in the save of a commit point the process is stopped. */
type Point = 'create' | 'write' | 'rename' | 'landed';
const POINTS: Point[] = ['create', 'write', 'rename', 'landed'];
const COMMITS: ('index' | 'snapshots')[] = ['index', 'snapshots'];

/**
 * The backup's own backend, which stops (once) at the chosen step of the chosen file type's save. While stopped,
 * every other call waits too, as in a stopped process. `rename` stops after the lock guard's last check, right
 * before the file would become visible; `landed` stops once it is visible, before the guard looks again.
 */
class FreezingBackend implements Backend {
  target?: { type: FileType; point: Point };
  frozen?: { handle: FileHandle; point: Point };
  /** Calls waiting for the process to resume. */
  waiting = 0;
  /** Index and snapshot files that became visible. */
  readonly landed = new Set<string>();
  private thawed: Promise<void> = Promise.resolve();
  private thaw: () => void = () => undefined;

  constructor(private readonly inner: LocalBackend) {}

  get location(): string {
    return this.inner.location;
  }

  resume(): void {
    this.thaw();
  }

  private async running(): Promise<void> {
    this.waiting++;
    await this.thawed;
    this.waiting--;
  }

  private async at(handle: FileHandle, point: Point): Promise<void> {
    if (this.frozen || this.target?.type !== handle.type || this.target.point !== point) return;
    this.frozen = { handle, point };
    this.thawed = new Promise((resolve) => (this.thaw = resolve));
    await this.thawed;
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    await this.running();
    await this.inner.save(handle, data, signal, {
      creating: async () => {
        await this.at(handle, 'create');
        await steps?.creating?.();
      },
      writing: async () => {
        await this.at(handle, 'write');
        await steps?.writing?.();
      },
      landing: async () => {
        await steps?.landing?.();
        await this.at(handle, 'rename');
      },
    });
    if (handle.type === 'index' || handle.type === 'snapshots') this.landed.add(handle.name);
    await this.at(handle, 'landed');
  }

  stagingDir(): string {
    return this.inner.stagingDir();
  }

  async saveFile(handle: FileHandle, localPath: string, signal?: AbortSignal): Promise<void> {
    await this.running();
    return saveLocalFile(this.inner, handle, localPath, signal);
  }

  async create(signal?: AbortSignal): Promise<void> {
    return this.inner.create(signal);
  }

  async load(handle: FileHandle, range?: LoadRange, signal?: AbortSignal): Promise<Buffer> {
    await this.running();
    return this.inner.load(handle, range, signal);
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    await this.running();
    return this.inner.stat(handle, signal);
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    await this.running();
    return this.inner.list(type, signal);
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    await this.running();
    return this.inner.remove(handle, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Moves the injected clock on while the process runs (timers fire: the lock's 200 ms re-check, monitor polls). */
class Ticker {
  private stopped = true;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly clock: ManualClock) {}

  start(): void {
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) {
        await this.clock.advance(100);
        await new Promise((resolve) => setTimeout(resolve, 4));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

interface Round {
  commit: 'index' | 'snapshots';
  point: Point;
  /** How long the process stays stopped, by the wall clock. */
  pauseMs: number;
  /** The lock's refresh had started (and is stopped too) when the process was stopped. */
  refreshInFlight: boolean;
  /** The other client is restic 0.18 (unlock --remove-all, prune, then check) rather than Lockstep. */
  resticPeer: boolean;
}

// The other client's lock: restic's timing scaled down, so its 200 ms re-check takes 7 ms of real time.
const OTHER_TIMING = lockTiming(10_000, 60_000);

interface Setup {
  dir: string;
  base: string;
  work: string;
  /** The repository, opened once: each client below is a view of it with a fresh index (no key derivation). */
  repo: Repository;
}

async function setupRepository(): Promise<Setup> {
  const work = makeTempDir('commit-freeze');
  const dir = path.join(work, 'repo');
  // Small, so that each round's backup (which reads it again: no parent has the same paths) stays quick.
  const base = path.join(work, 'base');
  mkdirSync(base);
  randomFile(path.join(base, 'kept.bin'), 300_000);
  writeFileSync(path.join(base, 'notes.txt'), 'kept by every prune\n'.repeat(500));
  const repo = await Repository.init(new LocalBackend(dir), PASSWORD, { kdf: { N: 1024, r: 8, p: 1 } });
  await backup(repo, { paths: [base], threads: 1 });
  return { dir, base, work, repo };
}

/** One round: stop, unlock and prune by the other client, resume; then what the backup said and the repository. */
async function playRound(where: Setup, round: Round, n: number): Promise<void> {
  const label = `round ${n} (${round.commit} ${round.point}, pause ${round.pauseMs / MIN} min${round.refreshInFlight ? ', refresh in flight' : ''}${round.resticPeer ? ', restic 0.18' : ''})`;
  const source = path.join(where.work, `round-${n}`);
  mkdirSync(source);
  randomFile(path.join(source, 'new.bin'), 40_000 + n * 1000);
  const freezer = new FreezingBackend(new LocalBackend(where.dir));
  freezer.target = { type: round.commit, point: round.point };
  const repoA = where.repo.withBackend(freezer);
  const clock = new ManualClock();
  const ticker = new Ticker(clock);
  /** When the lock was taken, by the monotonic clock: its refreshes come every refreshMs from then. */
  let heldAt: number | undefined;
  let settled = false;
  ticker.start();
  const outcome = runLocked(repoA, { mode: 'shared', clock, timing: RESTIC_TIMING, owner: ownerA, onHeld: () => (heldAt = clock.elapsed) }, (repo, signal) =>
    backup(repo, { paths: [where.base, source], signal, threads: 1 }),
  ).then(
    (summary) => ({ summary }),
    (error: unknown) => ({ error }),
  );
  void outcome.then(() => (settled = true));
  await waitFor(`${label}: the stop`, () => freezer.frozen !== undefined || settled);
  expect(freezer.frozen, `${label}: the backup ended without reaching the stop`).toBeDefined();
  await ticker.stop();
  if (round.refreshInFlight && heldAt !== undefined) {
    // Let the next refresh start; its lock write is held up by the stop like everything else.
    const nextRefresh = heldAt + Math.ceil((clock.elapsed - heldAt + 1) / RESTIC_TIMING.refreshMs) * RESTIC_TIMING.refreshMs;
    await clock.advance(nextRefresh - clock.elapsed);
    await waitFor(`${label}: the refresh to start`, () => freezer.waiting > 0);
  }
  clock.standby(round.pauseMs);

  // The other client: unlock --remove-all, then prune, which deletes the stopped backup's unreferenced packs.
  if (round.resticPeer) {
    const restic = requirePeer('restic-0.18');
    runRestic(restic, where.dir, ['unlock', '--remove-all'], { password: PASSWORD });
    runRestic(restic, where.dir, ['prune'], { password: PASSWORD });
  } else {
    const repoB = where.repo.withBackend(new LocalBackend(where.dir));
    await removeAllLocks(repoB);
    await runLocked(repoB, { mode: 'exclusive', timing: OTHER_TIMING, owner: ownerB }, (repo, signal) => prune(repo, { signal }));
  }

  freezer.resume();
  ticker.start();
  const result = await outcome;
  await ticker.stop();

  // The exit: lock lost, exit code 11, and its sentence about what was left is true.
  const frozen = freezer.frozen!.handle;
  expect('error' in result, `${label}: the backup succeeded`).toBe(true);
  const error = (result as { error: unknown }).error;
  expect(error, `${label}: ${String(error)}`).toBeInstanceOf(LockLostError);
  const lost = error as LockLostError;
  expect(lost.exitCode).toBe(11);
  expect(lost.reason).toBe('lock-removed');
  const file = path.join(where.dir, frozen.type, frozen.name);
  expect(existsSync(file), `${label}: ${frozen.type}/${frozen.name} is still in the repository`).toBe(false);
  if (lost.leftBehind === undefined) {
    expect(lost.message).toMatch(/the operation was cancelled and wrote nothing more to the repository$/);
    // Stopped once its file had landed, the backup wrote it while the lock was still there (the prune then took
    // it in, and it is gone); stopped before, it must not have landed after the lock was lost.
    if (round.point !== 'landed') expect(freezer.landed.has(frozen.name), `${label}: it says nothing more was written, but ${frozen.type}/${frozen.name} landed`).toBe(false);
  } else {
    const what = frozen.type === 'index' ? 'index file' : 'snapshot';
    expect(lost.message).toContain(`and the ${what} written at that moment (${frozen.type}/${shortId(frozen.name)}) was removed again`);
    expect(freezer.landed.has(frozen.name), `${label}: it says ${frozen.type}/${frozen.name} was removed again, but it never landed`).toBe(true);
  }
  if (round.point === 'create' || round.point === 'write') expect(lost.leftBehind, label).toBeUndefined();
  expect(repoFiles(where.dir, 'locks'), `${label}: lock files left behind`).toEqual([]);

  // The repository: undamaged for Lockstep, and for restic on the sample.
  const checked = await check(where.repo.withBackend(new LocalBackend(where.dir)));
  expect(checked.errors, `${label}: check found damage`).toEqual([]);
  if (round.resticPeer) runRestic(requirePeer('restic-0.18'), where.dir, ['check'], { password: PASSWORD });
}

function rounds(commit: 'index' | 'snapshots', point: Point): Round[] {
  const slot = COMMITS.indexOf(commit) * POINTS.length + POINTS.indexOf(point);
  const mine: Round[] = [];
  for (let i = slot, j = 0; i < ROUNDS; i += COMMITS.length * POINTS.length, j++) {
    mine.push({ commit, point, pauseMs: [1, 25, 45][j % 3] * MIN, refreshInFlight: j % 2 === 1, resticPeer: j === 0 });
  }
  return mine;
}

describeWithPeer('restic-0.18', 'a backup stopped at any write of its commit path while another client unlocks and prunes', () => {
  for (const commit of COMMITS) {
    for (const point of POINTS) {
      const mine = rounds(commit, point);
      it(`${commit}: stopped at the ${point} step, ${mine.length} rounds`, async () => {
        const where = await setupRepository();
        for (const [j, round] of mine.entries()) await playRound(where, round, j);
        // The next backup (of the last round's files too, whose packs prune deleted) deduplicates only against data
        // that is there: restic checks it and reads every pack.
        const last = path.join(where.work, `round-${mine.length - 1}`);
        await backup(where.repo.withBackend(new LocalBackend(where.dir)), { paths: [where.base, last], threads: 1 });
        runRestic(requirePeer('restic-0.18'), where.dir, ['check', '--read-data'], { password: PASSWORD });
      }, 60_000);
    }
  }
});
