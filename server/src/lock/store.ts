// Reading and writing lock files in a repository. Lock files always go straight to the repository's own
// backend: they are never held back by the lock guard (restic: lock traffic bypasses the upload queue).
import { NotFoundError } from '../backend/backend';
import { CorruptFileError } from '../base/errors';
import { Id, isId } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { encodeLockJson, LockInfo, parseLockJson } from './lockfile';

/** IDs of the lock files in the repository: names that are restic IDs, empty files left out (restic ≥0.15.1). */
export async function listLockIds(repo: Repository, signal?: AbortSignal): Promise<Id[]> {
  return (await repo.backend.list('locks', signal)).filter((f) => isId(f.name) && f.size > 0).map((f) => f.name);
}

/** Reads one lock file; a damaged read is tried once more before it counts as damage, as restic does. */
export async function loadLock(repo: Repository, id: Id, signal?: AbortSignal): Promise<LockInfo> {
  let text: string;
  try {
    text = await repo.loadUnpacked('locks', id, signal);
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    text = await repo.loadUnpacked('locks', id, signal);
  }
  return parseLockJson(text, `locks/${id}`);
}

export async function writeLock(repo: Repository, info: LockInfo, signal?: AbortSignal): Promise<Id> {
  return repo.saveUnpacked('locks', encodeLockJson(info), signal);
}

export async function removeLock(repo: Repository, id: Id, signal?: AbortSignal): Promise<void> {
  await repo.backend.remove({ type: 'locks', name: id }, signal);
}

/** Whether the lock file is still there (a stat, which every backend answers consistently). */
export async function lockExists(repo: Repository, id: Id, signal?: AbortSignal): Promise<boolean> {
  try {
    await repo.backend.stat({ type: 'locks', name: id }, signal);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}
