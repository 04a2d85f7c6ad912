// forget: removes snapshot files, chosen by ID or by a retention policy (ops/retention.ts), under the exclusive
// lock. It never deletes data; prune does that (forget --prune runs it afterwards under the same lock).
import { throwIfAborted } from '../base/abort';
import { CorruptFileError, LockstepError } from '../base/errors';
import { Id } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { DEFAULT_GROUP_BY, describeGroupKey, ForgetGroup, GroupBy, isEmptyPolicy, planForget, RetentionPolicy, validatePolicy } from './retention';
import { matchesFilter, SnapshotFilter } from './snapshots';

export interface ForgetOptions {
  /** Snapshots named by ID or prefix: these are removed and no policy applies. */
  snapshots?: string[];
  policy?: RetentionPolicy;
  groupBy?: GroupBy;
  /** Only snapshots that match are considered (restic's --host, --tag, --path). */
  filter?: SnapshotFilter;
  dryRun?: boolean;
  signal?: AbortSignal;
  now?: Date;
}

export interface ForgetSummary {
  /** The policy's decision per group (empty when snapshots were named by ID). */
  groups: ForgetGroup[];
  removed: Id[];
  /** Nothing was decided: no IDs and an empty policy. */
  noPolicy: boolean;
  /** Snapshot files left out because they are damaged (as restic 0.18 does): neither kept nor removed. */
  damaged: CorruptFileError[];
}

export async function forget(repo: Repository, options: ForgetOptions): Promise<ForgetSummary> {
  const { signal } = options;
  const named = options.snapshots ?? [];
  const policy = options.policy ?? {};
  const filter = options.filter ?? {};
  if (named.length > 0 && !isEmptyPolicy(policy)) throw new LockstepError('name snapshots or give a policy (--keep-*), not both');
  let groups: ForgetGroup[] = [];
  let remove: Id[];
  const damaged: CorruptFileError[] = [];
  if (named.length > 0) {
    remove = [];
    // "latest" is the newest snapshot the filter lets through, as in restic.
    for (const ref of named) {
      try {
        remove.push((await repo.findSnapshot(ref, signal, (s) => matchesFilter(s, filter))).id);
      } catch (err) {
        if (!(err instanceof CorruptFileError)) throw err;
        damaged.push(err);
      }
    }
  } else {
    if (isEmptyPolicy(policy)) return { groups: [], removed: [], noPolicy: true, damaged };
    validatePolicy(policy);
    const entries = (await repo.listSnapshots(signal, (damage) => damaged.push(damage))).filter((e) => matchesFilter(e.snapshot, filter));
    groups = planForget(entries, policy, options.groupBy ?? DEFAULT_GROUP_BY, options.now ?? new Date());
    const emptied = groups.find((g) => g.keep.length === 0 && g.remove.length > 0);
    if (emptied) throw new LockstepError(`refusing to delete last snapshot of snapshot group "${describeGroupKey(emptied.key)}"`);
    remove = groups.flatMap((g) => g.remove.map((e) => e.id));
  }
  if (!options.dryRun) {
    for (const id of remove) {
      throwIfAborted(signal);
      await repo.removeSnapshot(id, signal);
    }
  }
  return { groups, removed: remove, noPolicy: false, damaged };
}
