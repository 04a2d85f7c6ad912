// The repository the backend process keeps open between operations: the master key (in memory only), the backend
// connection, the config, and the caches (index, trees, snapshot texts) that the operations bring up to date under
// their locks. It is opened again over the same connection, caches kept, when the password changes or the key file
// it opened is gone (`restic key passwd` elsewhere), and opened afresh when the repository's location, credentials
// or settings change. The CLI keeps none: each of its runs opens and closes its own (service/runner.ts).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Backend, NotFoundError } from '../backend/backend';
import { raceAbort } from '../base/abort';
import { DEFAULT_TREE_CACHE_BYTES, RepositoryCaches } from '../repo/caches';
import { Repository } from '../repo/repository';
import type { Scrypt } from '../repo/format/key';
import { scryptFor } from '../repo/engine/scryptlanes';
import { LockstepError, WrongPasswordError } from '../base/errors';

/** How to reach the repository, as the request's environment says now. */
export interface RepositoryAccess {
  /** Where the repository is and with what credentials and settings (placeOf). */
  place: string;
  password: string;
  openBackend(): Backend;
  /** The tree cache's bound (treeCacheBytesFromEnv). */
  treeCacheBytes?: number;
}

/** LOCKSTEP_TREE_CACHE_MB: how many MiB of trees the kept repository holds (0: none). */
export function treeCacheBytesFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env.LOCKSTEP_TREE_CACHE_MB;
  if (text === undefined || text === '') return DEFAULT_TREE_CACHE_BYTES;
  const mib = Number(text);
  if (!Number.isFinite(mib) || mib < 0) throw new LockstepError(`LOCKSTEP_TREE_CACHE_MB must be a number of MiB (0 or more), not "${text}"`);
  return Math.floor(mib * 1024 * 1024);
}

/**
 * The kept repository's key is derived by the WebAssembly mixer on this thread (repo/engine/scryptlanes.ts), never
 * with its helper thread: a process that stays keeps part of what a thread's start costs (idle RSS after a 5,000-file
 * backup +1.2 MB with the helper over OpenSSL's, four alternating warm-bench runs), while the mixer alone kept no more
 * than OpenSSL's (10 s after the first backup: 5,000 files +4.8/+5.1 MB against +5.7/+5.0, 50,000 files +6.4/+6.8
 * against +6.9/+6.7, alternating), and has the key ~330 ms after the first request where OpenSSL's, on libuv's pool,
 * has it after ~430 ms (the backend's first backup of 5,000 files, restic's key parameters: 994-1036 ms against
 * 1083-1117). Its lanes run on the event loop, one lane (~60 ms) at a time. LOCKSTEP_SCRYPT chooses otherwise, as for
 * the CLI.
 */
const sessionScrypt = (): Scrypt => scryptFor();

/** Caches for a kept repository: the configured tree cache, and the trees each backup writes kept as the next one's parent. */
function sessionCaches(access: RepositoryAccess): RepositoryCaches {
  return new RepositoryCaches(access.treeCacheBytes, true);
}

/** One operation's use of the kept repository. */
export interface RepositoryLease {
  repo: Repository;
  /** Called when the operation ends; a repository replaced meanwhile is closed once its last user is done. */
  release(): Promise<void>;
}

/** The location, credentials and settings a repository is reached with, as one string (hashed: it holds secrets). */
export function placeOf(location: string, env: NodeJS.ProcessEnv): string {
  const settings = Object.entries(env)
    .filter(([name]) => !/^RESTIC_PASSWORD/.test(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([location, settings])).digest('hex');
}

interface Kept {
  place: string;
  /** The password it was opened with, keyed with this session's salt: compared, never kept in the clear. */
  password: string;
  repo: Repository;
  users: number;
  replaced: boolean;
}

export class RepositorySession {
  private kept: Kept | undefined;
  /** Opening (or reopening) is done by one operation at a time; the others wait and use what it opened. */
  private opening: Promise<unknown> = Promise.resolve();
  private readonly salt = randomBytes(32);

  /** The repository for `access`: the kept one, reopened or replaced first if it no longer fits. */
  acquire(access: RepositoryAccess, signal?: AbortSignal): Promise<RepositoryLease> {
    const previous = this.opening;
    const result = raceAbort(signal, previous).then(() => this.open(access, signal));
    this.opening = Promise.allSettled([previous, result]);
    return result;
  }

  /**
   * Nothing runs (rpc/idlerelease.ts): the tree cache is emptied, since its small buffers, scattered among those the
   * operation freed, keep malloc from giving that memory back. The index and the snapshot texts stay: reading them
   * again is what a warm backup saves.
   */
  releaseIdle(): void {
    if (this.kept && this.kept.users === 0) this.kept.repo.caches.trees.clear();
  }

  /** Closes the kept repository (once operations using it are done). */
  close(): void {
    if (this.kept) this.replace(this.kept);
    this.kept = undefined;
  }

  private async open(access: RepositoryAccess, signal?: AbortSignal): Promise<RepositoryLease> {
    const password = createHmac('sha256', this.salt).update(access.password).digest('hex');
    let kept = this.kept;
    if (kept && kept.place !== access.place) {
      this.replace(kept);
      kept = this.kept = undefined;
    }
    const keyGone = kept !== undefined && kept.password === password && !(await keyFileExists(kept.repo, signal));
    if (kept && (kept.password !== password || keyGone)) {
      const keyId = kept.repo.keyId;
      // Same connection and, when the master key is the same, the same caches; a refusal leaves the kept one
      // unused, to be tried again by the next operation.
      const reopened = await Repository.open(kept.repo.backend, access.password, signal, sessionCaches(access), sessionScrypt()).catch((err: unknown) => {
        if (keyGone && err instanceof WrongPasswordError) {
          throw new WrongPasswordError(
            `wrong password or no key found: the key file this backend opened the repository with (${keyId.slice(0, 8)}) is gone, ` +
              'and the password it has does not open another one (was it changed with "restic key passwd"?); set the new password',
          );
        }
        throw err;
      });
      kept.repo = reopened.keepingCachesOf(kept.repo);
      kept.password = password;
    }
    if (!kept) {
      const backend = access.openBackend();
      let repo: Repository;
      try {
        repo = await Repository.open(backend, access.password, signal, sessionCaches(access), sessionScrypt());
      } catch (err) {
        await backend.close().catch(() => undefined);
        throw err;
      }
      kept = this.kept = { place: access.place, password, repo, users: 0, replaced: false };
    }
    const lease = kept;
    lease.users++;
    let released = false;
    return {
      repo: lease.repo,
      release: async () => {
        if (released) return;
        released = true;
        lease.users--;
        if (lease.replaced && lease.users === 0) await lease.repo.close().catch(() => undefined);
      },
    };
  }

  private replace(kept: Kept): void {
    kept.replaced = true;
    if (kept.users === 0) void kept.repo.close().catch(() => undefined);
  }
}

/** Whether the key file the repository was opened with is still there. */
async function keyFileExists(repo: Repository, signal?: AbortSignal): Promise<boolean> {
  try {
    await repo.backend.stat({ type: 'keys', name: repo.keyId }, signal);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}
