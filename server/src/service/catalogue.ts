// The operations, each described once: its lock, whether it reads the index, what a lost lock leaves uncommitted,
// its options (their flags and params, defaults and checks), how it chains (forget, then prune), and its result. The
// CLI (cli/commands.ts) and the JSON-RPC backend (rpc/requests.ts) are adapters over these: argv or params read by
// the option specs, the result rendered as text, restic's JSON or the protocol's result. The options' types are
// the contract's (shared/src/protocol.ts), so both front ends offer the same ones; adding an operation is an entry
// here, its types there, and one line (with its rendering) in each adapter.
import type {
  BackupChanges,
  BackupWalk,
  BackupOptions,
  CheckOptions,
  DiffOptions,
  DumpOptions,
  FindOptions,
  ForgetOptions,
  InitOptions,
  LsFolderOptions,
  KeyAddOptions,
  KeyRemoveOptions,
  PruneOptions,
  ReadFileOptions,
  RestoreOptions,
  SnapshotFilterOptions,
  SnapshotsOptions,
  StatsOptions,
  TagOptions,
  UnlockOptions,
} from '../../../shared/src/protocol';
import { CorruptFileError, LockstepError } from '../base/errors';
import { SnapshotEntry } from '../repo/repository';
import { TreeNode } from '../repo/format/tree';
import { backup, BackupSummary, Compression, ItemChange } from '../ops/backup';
import { BackupMemory } from './backupmemory';
import { backupWithMemory } from './changedbackup';
import { listedTargets, parseSize } from '../ops/backupfilter';
import { ReadAheadOffer } from '../ops/readahead/source';
import { cat } from '../ops/cat';
import { check, CheckResult } from '../ops/check';
import { forget, ForgetSummary } from '../ops/forget';
import { MaxUnused, parseMaxUnused, prune, PruneSummary } from '../ops/prune';
import { restore, RestoreSummary } from '../ops/restore';
import { GroupBy, isEmptyPolicy, parseGroupBy, parseKeepDuration, parseKeepTag, RetentionPolicy, SnapshotGroup, validatePolicy } from '../ops/retention';
import { defaultLeftoverRule } from '../ops/leftovers';
import { groupForListing, parseTagFilter, selectSnapshots, SnapshotFilter } from '../ops/snapshots';
import { listLocks, LockListing, removeAllLocks, removeStaleLocks, SeenLocks } from '../lock/unlock';
import { displayPath, loadTree, walkTree } from '../ops/walk';
import { diff, DiffSummary } from '../ops/diff';
import { find, FindHit, FindOutcome } from '../ops/find';
import { checkTagChange, splitTags, tag, TagChange, TagOutcome } from '../ops/tag';
import { parseStatsMode, stats, STATS_MODES, StatsMode, StatsSummary } from '../ops/stats';
import { ArchiveFormat, dump, dumpTarget, READ_FILE_LIMIT, readSnapshotFile } from '../ops/dump';
import { Id } from '../repo/format/ids';
import { addKey, changePassword, KeyListing, listKeys, NewKey, removeKey } from '../ops/keys';
import { chooseKdf } from '../repo/format/key';
import { resolvePassword } from '../password';
import { Operation, OperationIo } from './operation';
import { EveryOption, OptionSpec } from './options';

/** restic's default for prune's --max-unused. */
export const DEFAULT_MAX_UNUSED = '5%';
/** restic forget's default --group-by. */
export const DEFAULT_FORGET_GROUP_BY = 'host,paths';

/** restic's --host, --tag and --path, as snapshots and forget take them. */
const FILTER_OPTIONS = {
  hosts: { kind: 'strings', flag: 'host', short: 'H' },
  tags: { kind: 'strings', flag: 'tag' },
  paths: { kind: 'strings', flag: 'path' },
} as const satisfies Record<keyof SnapshotFilterOptions, OptionSpec>;

function filterOf(options: SnapshotFilterOptions): SnapshotFilter {
  return { hosts: options.hosts ?? [], tags: parseTagFilter(options.tags ?? []), paths: options.paths ?? [] };
}

function maxUnusedOf(text: string | undefined): MaxUnused {
  return parseMaxUnused(text ?? DEFAULT_MAX_UNUSED);
}

// ---- init ------------------------------------------------------------------------------------------------------

export const initOperation: Operation<InitOptions, { version: 1 | 2 }, { id: string }> = {
  name: 'init',
  lock: 'none',
  readsIndex: false,
  notCommitted: 'the repository was not created',
  options: { version: { kind: 'count', cliOwn: true, choices: [1, 2] } } satisfies EveryOption<InitOptions>,
  prepare: (input) => {
    const version = input.version ?? 2;
    if (version !== 1 && version !== 2) throw new LockstepError(`invalid repository version ${String(version)}: use 1 or 2`);
    return { version };
  },
  creates: (options) => options.version,
  run: async (repo) => ({ id: repo.config.id }),
};

// ---- backup ----------------------------------------------------------------------------------------------------

/** An in-process front end may back up a stream (the CLI's --stdin) instead of paths. */
export interface BackupInput extends BackupOptions {
  stdin?: { input: AsyncIterable<Uint8Array>; filename: string };
  /** What the editor's file watcher reported since the last snapshot (the JSON-RPC backend only). */
  changes?: BackupChanges;
  /** The backend process's memory of its own backups, which a change list needs (absent: every folder is walked). */
  memory?: BackupMemory;
  /** The CLI's -vv: each file and folder as it is finished. */
  onItem?: (change: ItemChange, path: string, isDir: boolean) => void;
}

const COMPRESSIONS: readonly string[] = ['auto', 'off', 'max'] satisfies Compression[];

export const backupOperation: Operation<BackupInput, BackupInput & { compression: Compression; tags: string[] }, BackupSummary & { walk?: BackupWalk }> = {
  name: 'backup',
  lock: 'append',
  readsIndex: true,
  notCommitted: 'the snapshot was not saved',
  options: {
    paths: { kind: 'strings', required: true },
    tags: { kind: 'strings', flag: 'tag' },
    host: { kind: 'string', short: 'H' },
    excludes: { kind: 'strings', flag: 'exclude', short: 'e' },
    iexcludes: { kind: 'strings', flag: 'iexclude' },
    excludeFiles: { kind: 'strings', flag: 'exclude-file' },
    iexcludeFiles: { kind: 'strings', flag: 'iexclude-file' },
    excludeCaches: { kind: 'boolean' },
    excludeIfPresent: { kind: 'strings' },
    excludeLargerThan: { kind: 'string' },
    skipIfUnchanged: { kind: 'boolean' },
    oneFileSystem: { kind: 'boolean', short: 'x' },
    dryRun: { kind: 'boolean', short: 'n' },
    filesFrom: { kind: 'strings' },
    filesFromRaw: { kind: 'strings' },
    parent: { kind: 'string' },
    force: { kind: 'boolean', short: 'f' },
    compression: { kind: 'string' },
  } satisfies EveryOption<BackupOptions>,
  positionals: ['paths'],
  prepare: (input) => {
    const compression = input.compression ?? 'auto';
    if (!COMPRESSIONS.includes(compression)) throw new LockstepError(`invalid --compression "${compression}": use auto, off or max`);
    const paths = [...input.paths, ...listedTargets(input)];
    if (input.stdin && paths.length > 0) throw new LockstepError('--stdin was given, so no files or folders may be named');
    if (!input.stdin && paths.length === 0) throw new LockstepError('nothing to back up: give at least one file or folder, or --stdin');
    if (input.excludeLargerThan !== undefined) parseSize(input.excludeLargerThan, '--exclude-larger-than');
    return { ...input, paths, compression: compression as Compression, tags: (input.tags ?? []).flatMap((t) => t.split(',')).filter(Boolean) };
  },
  // The CLI's backups read the tree ahead on a second thread, started while the key is derived. The backend's do not:
  // most look at a few changed folders, and a long-lived process keeps what a thread's start costs (item 4).
  headStart: ({ memory, stdin }, { backend, env, signal }) => (memory || stdin ? undefined : new ReadAheadOffer(backend, env, signal)),
  run: (repo, { memory, changes, ...options }, io) => {
    const readAhead = io.headStart instanceof ReadAheadOffer ? io.headStart : undefined;
    const run = { ...options, signal: io.signal, onProgress: io.progress, onWarning: io.warn, onNotice: io.notice, onItem: options.onItem, readAhead };
    return memory && !options.stdin ? backupWithMemory(repo, run, changes, memory) : backup(repo, run);
  },
};

// ---- snapshots -------------------------------------------------------------------------------------------------

export interface SnapshotListing {
  /** Every snapshot listed, oldest first. */
  entries: SnapshotEntry[];
  /** With --group-by: groups, each oldest first; without, one group with an empty key. */
  groups: SnapshotGroup[];
  grouped: boolean;
  /** Snapshot IDs that named nothing and filters that were not used, one line each. */
  ignored: string[];
  /** Snapshot files left out because they cannot be read. */
  damaged: CorruptFileError[];
}

interface SnapshotsPlan {
  refs: string[];
  filter: SnapshotFilter;
  latest: number;
  groupBy: GroupBy;
  grouped: boolean;
}

export const snapshotsOperation: Operation<SnapshotsOptions, SnapshotsPlan, SnapshotListing> = {
  name: 'snapshots',
  lock: 'read',
  readsIndex: false,
  notCommitted: 'nothing (listing only)',
  options: { snapshots: { kind: 'strings' }, ...FILTER_OPTIONS, latest: { kind: 'count' }, groupBy: { kind: 'string', short: 'g' } } satisfies EveryOption<SnapshotsOptions>,
  positionals: ['snapshots'],
  prepare: (input) => {
    const latest = input.latest ?? 0;
    if (!Number.isSafeInteger(latest) || latest < 0) throw new LockstepError(`invalid --latest ${String(latest)}: use a whole number, 0 or more`);
    const groupBy = parseGroupBy(input.groupBy ?? '');
    return { refs: input.snapshots ?? [], filter: filterOf(input), latest, groupBy, grouped: groupBy.host || groupBy.paths || groupBy.tags };
  },
  run: async (repo, plan, io) => {
    const selected = await selectSnapshots(repo, plan.refs, plan.filter, io.signal);
    const groups = groupForListing(selected.entries, plan.groupBy, plan.latest);
    const listed = new Set(groups.flatMap((g) => g.entries));
    return { entries: selected.entries.filter((e) => listed.has(e)), groups, grouped: plan.grouped, ignored: selected.ignored, damaged: selected.damaged };
  },
};

// ---- ls --------------------------------------------------------------------------------------------------------

/** ls hands each node to the front end as it walks (a snapshot can hold millions). */
export interface LsInput {
  snapshot: string;
  /** Only these folders and what is below them. */
  dirs?: string[];
  onSnapshot(entry: SnapshotEntry): void;
  onNode(path: string, node: TreeNode): void;
}

export const lsOperation: Operation<LsInput, LsInput & { dirs: string[] }, void> = {
  name: 'ls',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'nothing (listing only)',
  options: { snapshot: { kind: 'string', required: true }, dirs: { kind: 'strings' } },
  positionals: ['snapshot', 'dirs'],
  prepare: (input) => {
    if (!input.snapshot) throw new LockstepError('ls needs a snapshot ID (or "latest")');
    return { ...input, dirs: (input.dirs ?? []).map((d) => d.replace(/\/+$/, '') || '/') };
  },
  run: async (repo, options, io) => {
    await repo.loadIndex(io.signal);
    const entry = await repo.findSnapshot(options.snapshot, io.signal);
    options.onSnapshot(entry);
    const wanted = options.dirs;
    const shown = (p: string): boolean => wanted.length === 0 || wanted.some((w) => p === w || p.startsWith(w === '/' ? '/' : `${w}/`));
    await walkTree(
      repo,
      entry.snapshot.tree,
      ({ components, node }) => {
        const p = displayPath(components);
        if (shown(p)) options.onNode(p, node);
        // Only descend where something wanted can be below.
        return wanted.length === 0 || wanted.some((w) => w.startsWith(`${p}/`) || shown(p));
      },
      io.signal,
    );
  },
};

// ---- restore ---------------------------------------------------------------------------------------------------

/** An in-process front end may hear of the snapshot before anything is written, and of verifying as it begins. */
export interface RestoreInput extends Partial<RestoreOptions> {
  onSnapshot?(entry: SnapshotEntry): void;
  onVerifying?(): void;
}

export const restoreOperation: Operation<RestoreInput, RestoreInput & RestoreOptions, RestoreSummary> = {
  name: 'restore',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'the restore is incomplete',
  options: {
    snapshot: { kind: 'string', required: true },
    target: { kind: 'string', short: 't', required: true },
    includes: { kind: 'strings', flag: 'include', short: 'i' },
    excludes: { kind: 'strings', flag: 'exclude', short: 'e' },
    iincludes: { kind: 'strings', flag: 'iinclude' },
    iexcludes: { kind: 'strings', flag: 'iexclude' },
    dryRun: { kind: 'boolean' },
    verify: { kind: 'boolean' },
  } satisfies EveryOption<RestoreOptions>,
  positionals: ['snapshot'],
  prepare: (input) => {
    if (!input.snapshot) throw new LockstepError('restore needs a snapshot ID (or "latest")');
    if (!input.target) throw new LockstepError('please specify a directory to restore to (--target)');
    const given = (list?: string[]): boolean => (list ?? []).length > 0;
    if ((given(input.includes) || given(input.iincludes)) && (given(input.excludes) || given(input.iexcludes))) throw new LockstepError('exclude and include patterns are mutually exclusive');
    return { ...input, snapshot: input.snapshot, target: input.target };
  },
  run: (repo, options, io) => restore(repo, { ...options, signal: io.signal, onProgress: io.progress, onWarning: io.warn }),
};

// ---- dump, and browsing one folder or file of a snapshot ------------------------------------------------------

/** dump hands its bytes to the front end as it reads them (a folder's archive can be large). */
export interface DumpInput extends Partial<DumpOptions> {
  write(chunk: Buffer): Promise<void> | void;
}

export const dumpOperation: Operation<DumpInput, DumpInput & DumpOptions, void> = {
  name: 'dump',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'nothing (reading only)',
  options: { snapshot: { kind: 'string', required: true }, file: { kind: 'string', required: true }, archive: { kind: 'string', choices: ['tar', 'zip'] } } satisfies EveryOption<DumpOptions>,
  positionals: ['snapshot', 'file'],
  prepare: (input) => {
    if (!input.snapshot || !input.file) throw new LockstepError('dump needs a snapshot ID (or "latest") and a file or folder in it');
    const archive = input.archive ?? 'tar';
    if (archive !== 'tar' && archive !== 'zip') throw new LockstepError(`unknown archive "${archive}": use tar or zip`);
    return { ...input, snapshot: input.snapshot, file: input.file, archive };
  },
  run: async (repo, options, io) => dump(repo, await dumpTarget(repo, options.snapshot, options.file, io.signal), options.write, io.signal, options.archive as ArchiveFormat),
};

export interface FolderListing {
  snapshotId: string;
  /** The snapshot's time: the root folder's. */
  time: string;
  path: string;
  /** The path's own node (none for the root folder). */
  node?: TreeNode;
  /** A folder's entries. */
  entries?: TreeNode[];
}

export const lsFolderOperation: Operation<LsFolderOptions, Required<LsFolderOptions>, FolderListing> = {
  name: 'ls',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'nothing (listing only)',
  options: { snapshot: { kind: 'string', required: true }, path: { kind: 'string' } } satisfies EveryOption<LsFolderOptions>,
  prepare: (input) => {
    if (!input.snapshot) throw new LockstepError('ls needs a snapshot ID (or "latest")');
    return { snapshot: input.snapshot, path: input.path ?? '/' };
  },
  run: async (repo, options, io) => {
    const { entry, found } = await dumpTarget(repo, options.snapshot, options.path, io.signal, 'list');
    const entries = found.tree ? await loadTree(repo, found.tree, io.signal) : undefined;
    return { snapshotId: entry.id, time: entry.snapshot.time, path: found.path, node: found.node, entries };
  },
};

export const readFileOperation: Operation<ReadFileOptions, Required<ReadFileOptions>, { snapshotId: string; data: Buffer }> = {
  name: 'readFile',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'nothing (reading only)',
  options: { snapshot: { kind: 'string', required: true }, path: { kind: 'string', required: true }, maxBytes: { kind: 'count' } } satisfies EveryOption<ReadFileOptions>,
  prepare: (input) => {
    if (!input.snapshot || !input.path) throw new LockstepError('readFile needs a snapshot and a path in it');
    const maxBytes = input.maxBytes ?? READ_FILE_LIMIT;
    if (maxBytes < 0 || maxBytes > READ_FILE_LIMIT) throw new LockstepError(`maxBytes must be 0 to ${READ_FILE_LIMIT}`);
    return { snapshot: input.snapshot, path: input.path, maxBytes };
  },
  run: (repo, options, io) => readSnapshotFile(repo, options.snapshot, options.path, options.maxBytes, io.signal),
};

// ---- diff ------------------------------------------------------------------------------------------------------

/** diff hands each change to the front end as it finds it. */
export interface DiffInput extends Partial<DiffOptions> {
  onStart?(from: SnapshotEntry, to: SnapshotEntry): void;
  onChange?(path: string, modifier: string): void;
}

export const diffOperation: Operation<DiffInput, DiffInput & Required<DiffOptions>, DiffSummary> = {
  name: 'diff',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'nothing (comparing only)',
  options: { from: { kind: 'string', required: true }, to: { kind: 'string', required: true }, metadata: { kind: 'boolean' } } satisfies EveryOption<DiffOptions>,
  positionals: ['from', 'to'],
  prepare: (input) => {
    if (!input.from || !input.to) throw new LockstepError('diff needs two snapshot IDs');
    return { ...input, from: input.from, to: input.to, metadata: input.metadata ?? false };
  },
  run: (repo, options, io) => diff(repo, { ...options, signal: io.signal }),
};

// ---- find ------------------------------------------------------------------------------------------------------

export interface FindInput extends Partial<FindOptions> {
  onSnapshot?(entry: SnapshotEntry, hits: FindHit[]): void;
}

export const findOperation: Operation<FindInput, FindInput & FindPlan, FindOutcome> = {
  name: 'find',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'nothing (searching only)',
  options: { patterns: { kind: 'strings', required: true }, snapshots: { kind: 'strings', flag: 'snapshot', short: 's' }, ...FILTER_OPTIONS, ignoreCase: { kind: 'boolean', short: 'i' } } satisfies EveryOption<FindOptions>,
  positionals: ['patterns'],
  prepare: (input) => {
    if (!input.patterns?.length) throw new LockstepError('wrong number of arguments: find needs at least one pattern');
    return { ...input, patterns: input.patterns, refs: input.snapshots ?? [], filter: filterOf(input), ignoreCase: input.ignoreCase ?? false };
  },
  run: (repo, options, io) => find(repo, { ...options, signal: io.signal }),
};

interface FindPlan {
  patterns: string[];
  refs: string[];
  filter: SnapshotFilter;
  ignoreCase: boolean;
}

// ---- stats -----------------------------------------------------------------------------------------------------

export const statsOperation: Operation<StatsOptions, { refs: string[]; filter: SnapshotFilter; mode: StatsMode }, StatsSummary> = {
  name: 'stats',
  lock: 'read',
  readsIndex: true,
  notCommitted: 'nothing (counting only)',
  options: { snapshots: { kind: 'strings' }, ...FILTER_OPTIONS, mode: { kind: 'string', choices: STATS_MODES } } satisfies EveryOption<StatsOptions>,
  positionals: ['snapshots'],
  prepare: (input) => ({ refs: input.snapshots ?? [], filter: filterOf(input), mode: parseStatsMode(input.mode ?? 'restore-size') }),
  run: (repo, options, io) => stats(repo, { ...options, signal: io.signal }),
};

// ---- tag -------------------------------------------------------------------------------------------------------

export interface TagInput extends TagOptions {
  onChanged?(old: Id, now: Id): void;
}

export const tagOperation: Operation<TagInput, { refs: string[]; filter: SnapshotFilter; change: TagChange; onChanged?(old: Id, now: Id): void }, TagOutcome> = {
  name: 'tag',
  lock: 'exclusive',
  readsIndex: false,
  notCommitted: 'some snapshots may not have been given their new tags',
  options: { snapshots: { kind: 'strings' }, ...FILTER_OPTIONS, add: { kind: 'strings' }, remove: { kind: 'strings' }, set: { kind: 'strings' } } satisfies EveryOption<TagOptions>,
  positionals: ['snapshots'],
  prepare: (input) => {
    const change: TagChange = { add: splitTags(input.add ?? []), remove: splitTags(input.remove ?? []), set: input.set?.length ? splitTags(input.set) : undefined };
    checkTagChange(change);
    return { refs: input.snapshots ?? [], filter: filterOf(input), change, onChanged: input.onChanged };
  },
  run: (repo, options, io) => tag(repo, { ...options, signal: io.signal }),
};

// ---- cat -------------------------------------------------------------------------------------------------------

export const catOperation: Operation<{ type?: string; ref?: string }, { type: string; ref?: string }, Buffer | string> = {
  name: 'cat',
  lock: 'read',
  readsIndex: false,
  notCommitted: 'nothing (reading only)',
  options: { type: { kind: 'string', required: true }, ref: { kind: 'string' } },
  positionals: ['type', 'ref'],
  prepare: ({ type, ref }) => {
    if (!type) throw new LockstepError('cat needs a type: config, index, snapshot, lock, key, masterkey, blob or tree');
    return { type, ref };
  },
  run: (repo, options, io) => cat(repo, options.type, options.ref, io.signal),
};

// ---- prune -----------------------------------------------------------------------------------------------------

interface PrunePlan {
  maxUnused: MaxUnused;
  dryRun: boolean;
}

export const pruneOperation: Operation<PruneOptions, PrunePlan, PruneSummary> = {
  name: 'prune',
  lock: 'exclusive',
  readsIndex: true,
  notCommitted: 'the prune stopped before its next index write or delete',
  options: { maxUnused: { kind: 'string' }, dryRun: { kind: 'boolean', short: 'n' } } satisfies EveryOption<PruneOptions>,
  prepare: (input) => ({ maxUnused: maxUnusedOf(input.maxUnused), dryRun: input.dryRun ?? false }),
  run: (repo, plan, io) => prune(repo, { ...plan, signal: io.signal, leftovers: defaultLeftoverRule(io.timing.staleMs), onStep: io.step, onProgress: io.progress }),
};

// ---- forget (then prune) ---------------------------------------------------------------------------------------

/** An in-process front end may show forget's decision before the prune it chains to begins. */
export interface ForgetInput extends ForgetOptions {
  onForgotten?(summary: ForgetSummary, plan: ForgetPlan): void;
}

export interface ForgetPlan {
  refs: string[];
  policy: RetentionPolicy;
  groupBy: GroupBy;
  filter: SnapshotFilter;
  dryRun: boolean;
  /** The prune that follows when snapshots were removed (under the same lock). */
  prune?: PrunePlan;
  /** Neither IDs nor a policy: nothing will be removed (restic says so and succeeds). */
  decidesNothing: boolean;
  onForgotten?(summary: ForgetSummary, plan: ForgetPlan): void;
}

export interface ForgetOutcome {
  forget: ForgetSummary;
  prune?: PruneSummary;
}

const KEEP_COUNTS = { keepLast: 'last', keepHourly: 'hourly', keepDaily: 'daily', keepWeekly: 'weekly', keepMonthly: 'monthly', keepYearly: 'yearly' } as const;
const KEEP_WITHIN = {
  keepWithin: 'within',
  keepWithinHourly: 'withinHourly',
  keepWithinDaily: 'withinDaily',
  keepWithinWeekly: 'withinWeekly',
  keepWithinMonthly: 'withinMonthly',
  keepWithinYearly: 'withinYearly',
} as const;

/** The retention policy the options give, checked as restic's forget checks it. */
export function retentionPolicy(options: ForgetOptions): RetentionPolicy {
  const policy: RetentionPolicy = {};
  for (const [option, rule] of Object.entries(KEEP_COUNTS)) {
    const count = options[option as keyof typeof KEEP_COUNTS];
    if (count !== undefined) policy[rule] = count;
  }
  for (const [option, rule] of Object.entries(KEEP_WITHIN)) {
    const text = options[option as keyof typeof KEEP_WITHIN];
    if (text !== undefined) policy[rule] = parseKeepDuration(text);
  }
  if (options.keepTags?.length) policy.tags = options.keepTags.map(parseKeepTag);
  validatePolicy(policy);
  return policy;
}

export const forgetOperation: Operation<ForgetInput, ForgetPlan, ForgetOutcome> = {
  name: 'forget',
  lock: 'exclusive',
  readsIndex: false,
  notCommitted: 'some snapshots may not have been forgotten',
  options: {
    snapshots: { kind: 'strings' },
    keepLast: { kind: 'count' },
    keepHourly: { kind: 'count' },
    keepDaily: { kind: 'count' },
    keepWeekly: { kind: 'count' },
    keepMonthly: { kind: 'count' },
    keepYearly: { kind: 'count' },
    keepWithin: { kind: 'string' },
    keepWithinHourly: { kind: 'string' },
    keepWithinDaily: { kind: 'string' },
    keepWithinWeekly: { kind: 'string' },
    keepWithinMonthly: { kind: 'string' },
    keepWithinYearly: { kind: 'string' },
    keepTags: { kind: 'strings', flag: 'keep-tag' },
    groupBy: { kind: 'string', short: 'g' },
    ...FILTER_OPTIONS,
    dryRun: { kind: 'boolean', short: 'n' },
    prune: { kind: 'boolean' },
    maxUnused: { kind: 'string' },
  } satisfies EveryOption<ForgetOptions>,
  positionals: ['snapshots'],
  prepare: (input) => {
    const refs = input.snapshots ?? [];
    const policy = retentionPolicy(input);
    const dryRun = input.dryRun ?? false;
    return {
      refs,
      policy,
      groupBy: parseGroupBy(input.groupBy ?? DEFAULT_FORGET_GROUP_BY),
      filter: filterOf(input),
      dryRun,
      prune: input.prune ? { maxUnused: maxUnusedOf(input.maxUnused), dryRun } : undefined,
      decidesNothing: refs.length === 0 && isEmptyPolicy(policy),
      onForgotten: input.onForgotten,
    };
  },
  run: async (repo, plan, io) => {
    const summary = await forget(repo, { snapshots: plan.refs, policy: plan.policy, groupBy: plan.groupBy, filter: plan.filter, dryRun: plan.dryRun, signal: io.signal });
    plan.onForgotten?.(summary, plan);
    if (!plan.prune || summary.removed.length === 0) return { forget: summary };
    return { forget: summary, prune: await pruneOperation.run(repo, plan.prune, io) };
  },
};

// ---- check -----------------------------------------------------------------------------------------------------

export const checkOperation: Operation<CheckOptions, { readData: boolean }, CheckResult> = {
  name: 'check',
  lock: 'exclusive',
  readsIndex: true,
  notCommitted: 'the check did not finish',
  options: { readData: { kind: 'boolean' } } satisfies EveryOption<CheckOptions>,
  prepare: (input) => ({ readData: input.readData ?? false }),
  run: (repo, options, io) => check(repo, { ...options, signal: io.signal, leftovers: defaultLeftoverRule(io.timing.staleMs), onStep: io.step, onProgress: io.progress }),
};

// ---- unlock and locks (no lock of their own: they answer while others hold one) ---------------------------------

export const unlockOperation: Operation<UnlockOptions, { removeAll: boolean }, Id[]> = {
  name: 'unlock',
  lock: 'none',
  readsIndex: false,
  notCommitted: '',
  options: { removeAll: { kind: 'boolean' } } satisfies EveryOption<UnlockOptions>,
  prepare: (input) => ({ removeAll: input.removeAll ?? false }),
  run: (repo, options, io) => (options.removeAll ? removeAllLocks(repo, io.signal) : removeStaleLocks(repo, { timing: io.timing, signal: io.signal })),
};

export const locksOperation: Operation<Record<string, never>, Record<string, never>, LockListing[]> = {
  name: 'locks',
  lock: 'none',
  readsIndex: false,
  notCommitted: '',
  options: {},
  prepare: (input) => input,
  run: (repo, _options, io) => listLocks(repo, { timing: io.timing, signal: io.signal, seen: seenLocks }),
};

/** Lock files this process has read: a lock file never changes under its ID, so a watch reads only new ones. */
const seenLocks = new SeenLocks();

// ---- key list / add / passwd / remove (restic's locks: list shared, add append, passwd and remove exclusive) ----

/** An in-process front end may ask for the new password itself (the CLI's prompt) instead of naming a file. */
export interface KeyAddInput extends KeyAddOptions {
  askNewPassword?(): Promise<string>;
}

const KEY_ADD_OPTIONS = {
  newPasswordFile: { kind: 'string' },
  host: { kind: 'string' },
  user: { kind: 'string' },
} as const satisfies EveryOption<KeyAddOptions>;

/** The new key's password and parameters: --new-password-file, else the front end's prompt. */
async function newKeyOf(input: KeyAddInput, io: OperationIo): Promise<NewKey> {
  const password = input.newPasswordFile !== undefined ? readNewPasswordFile(input.newPasswordFile) : await input.askNewPassword?.();
  if (password === undefined) throw new LockstepError('no new password given: use --new-password-file');
  return { password, kdf: await chooseKdf(io.env ?? process.env), username: input.user, hostname: input.host };
}

function readNewPasswordFile(file: string): string {
  const password = resolvePassword({ passwordFile: file, env: {} });
  if (password === undefined || password.length === 0) throw new LockstepError(`the new password file ${file} is empty`);
  return password;
}

export const keyListOperation: Operation<Record<string, never>, Record<string, never>, KeyListing[]> = {
  name: 'key list',
  lock: 'read',
  readsIndex: false,
  notCommitted: 'nothing (listing only)',
  options: {},
  prepare: (input) => input,
  run: (repo, _options, io) => listKeys(repo, io.signal),
};

export const keyAddOperation: Operation<KeyAddInput, KeyAddInput, Id> = {
  name: 'key add',
  lock: 'append',
  readsIndex: false,
  notCommitted: 'the new key may not have been saved',
  options: KEY_ADD_OPTIONS,
  prepare: (input) => input,
  run: async (repo, input, io) => addKey(repo, await newKeyOf(input, io), io.signal),
};

export const keyPasswdOperation: Operation<KeyAddInput, KeyAddInput, { id: Id; removed: Id }> = {
  name: 'key passwd',
  lock: 'exclusive',
  readsIndex: false,
  notCommitted: 'the old key may not have been removed (the new one opens the repository)',
  options: KEY_ADD_OPTIONS,
  prepare: (input) => input,
  run: async (repo, input, io) => changePassword(repo, await newKeyOf(input, io), io.signal),
};

export const keyRemoveOperation: Operation<Partial<KeyRemoveOptions>, KeyRemoveOptions, Id> = {
  name: 'key remove',
  lock: 'exclusive',
  readsIndex: false,
  notCommitted: 'the key was not removed',
  options: { id: { kind: 'string', required: true } } satisfies EveryOption<KeyRemoveOptions>,
  positionals: ['id'],
  prepare: ({ id }) => {
    if (!id) throw new LockstepError('key remove needs the ID of the key to remove');
    return { id };
  },
  run: (repo, options, io) => removeKey(repo, options.id, io.signal),
};
