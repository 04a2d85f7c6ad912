// restic's tag: each chosen snapshot whose tags change is written again with its new tags (so it gets a new ID;
// `original` names the first one it was), then the old file is removed. Under the exclusive lock, as restic's.
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Id } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { selectSnapshots, SnapshotFilter } from './snapshots';

export interface TagChange {
  add: string[];
  remove: string[];
  /** Replaces every tag (undefined: no --set). */
  set?: string[];
}

export interface TagOutcome {
  changed: { old: Id; new: Id }[];
  ignored: string[];
}

/** Tags as restic reads --add/--remove/--set values: each value may hold several, separated by commas. */
export function splitTags(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).filter((t) => t !== '');
}

export function checkTagChange(change: TagChange): void {
  if (change.set !== undefined && (change.add.length > 0 || change.remove.length > 0)) throw new LockstepError('--set and --add/--remove cannot be given at the same time');
  if (change.set === undefined && change.add.length === 0 && change.remove.length === 0) throw new LockstepError('nothing to do!');
}

function newTags(tags: readonly string[], change: TagChange): string[] {
  // restic's --set "" changes nothing (it does not remove every tag).
  if (change.set !== undefined) return change.set.length > 0 ? [...change.set] : [...tags];
  const out = [...tags];
  for (const tag of change.add) if (!out.includes(tag)) out.push(tag);
  return out.filter((t) => !change.remove.includes(t));
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export async function tag(repo: Repository, options: { refs: string[]; filter: SnapshotFilter; change: TagChange; onChanged?(old: Id, now: Id): void; signal?: AbortSignal }): Promise<TagOutcome> {
  const selected = await selectSnapshots(repo, options.refs, options.filter, options.signal);
  const changed: TagOutcome['changed'] = [];
  for (const { id, snapshot } of selected.entries) {
    throwIfAborted(options.signal);
    const tags = newTags(snapshot.tags ?? [], options.change);
    if (sameList(tags, snapshot.tags ?? [])) continue;
    // The new file is written before the old one is removed: a stop in between leaves both, never neither.
    const now = await repo.saveSnapshot({ ...snapshot, tags, original: snapshot.original ?? id }, options.signal);
    await repo.backend.remove({ type: 'snapshots', name: id }, options.signal);
    changed.push({ old: id, new: now });
    options.onChanged?.(id, now);
  }
  return { changed, ignored: [...selected.ignored, ...selected.damaged.map((d) => d.message)] };
}
