import { redactLocation } from '../../../shared/src/location';
import { Backend } from '../backend/backend';
import { ExitCode, LockstepError } from '../errors';
import { shortId } from '../repo/ids';
import { Snapshot } from '../repo/snapshot';
import { TreeNode } from '../repo/tree';
import { ForgetSummary } from '../ops/forget';
import { describeGroupKey, describePolicy, GroupKey, parseKeepCount, RetentionPolicy } from '../ops/retention';
import { PruneSummary } from '../ops/prune';
import { PROGRAM_VERSION } from '../version';
import { waitingMessage } from '../lock/acquire';
import { formatGoDuration } from '../lock/lockfile';
import { LockListing } from '../lock/unlock';
import { lockTimingFromEnv } from '../lock/timing';
import {
  backupOperation,
  catOperation,
  checkOperation,
  forgetOperation,
  initOperation,
  locksOperation,
  lsOperation,
  pruneOperation,
  restoreOperation,
  snapshotsOperation,
  unlockOperation,
} from '../service/catalogue';
import { Operation } from '../service/operation';
import { runOperation, Session } from '../service/runner';
import type { ForgetOptions } from '../../../shared/src/protocol';
import { parseGoDuration } from './duration';
import { flagBool, flagList, flagString, FlagSpecs, ParsedArgs } from './args';
import { formatBytes, formatDuration, formatLocalTime, table } from './format';

export interface CommandContext {
  args: ParsedArgs;
  env: NodeJS.ProcessEnv;
  json: boolean;
  signal: AbortSignal;
  out(text: string): void;
  err(text: string): void;
  openBackend(location: string): Backend;
  /** The repository password, as the entry point resolves it (flags, environment, a prompt). */
  password(forNewRepository: boolean): Promise<string>;
}

interface Command {
  summary: string;
  usage: string;
  flags: FlagSpecs;
  run(ctx: CommandContext): Promise<number>;
}

export const GLOBAL_FLAGS: FlagSpecs = {
  repo: { kind: 'string', short: 'r' },
  'password-file': { kind: 'string', short: 'p' },
  'password-command': { kind: 'string' },
  json: { kind: 'bool' },
  quiet: { kind: 'bool', short: 'q' },
  verbose: { kind: 'bool', short: 'v' },
  'no-cache': { kind: 'bool' },
  'cache-dir': { kind: 'string' },
  help: { kind: 'bool', short: 'h' },
  'retry-lock': { kind: 'string' },
  'no-lock': { kind: 'bool' },
};

function repoLocation(ctx: CommandContext): string {
  const location = flagString(ctx.args, 'repo') ?? ctx.env.RESTIC_REPOSITORY;
  if (!location) throw new LockstepError('please specify the repository location (-r or RESTIC_REPOSITORY)');
  return location;
}

/** Checks the options, then runs the operation as the catalogue describes it, with the global flags' lock settings. */
async function execute<Input, Options, Result>(ctx: CommandContext, op: Operation<Input, Options, Result>, input: Input, report?: Session['report']): Promise<Result> {
  const options = op.prepare(input);
  const retryLock = flagString(ctx.args, 'retry-lock');
  const retryLockMs = retryLock === undefined ? 0 : parseGoDuration(retryLock, 'retry-lock');
  return runOperation(op, options, {
    openBackend: () => ctx.openBackend(repoLocation(ctx)),
    password: (forNewRepository) => ctx.password(forNewRepository),
    env: ctx.env,
    timing: lockTimingFromEnv(ctx.env),
    signal: ctx.signal,
    retryLockMs,
    noLock: flagBool(ctx.args, 'no-lock'),
    report,
    lockEvents: {
      log: (text) => (ctx.json ? ctx.err(JSON.stringify({ message_type: 'error', error: { message: text }, during: 'lock' })) : ctx.err(text)),
      onWaiting: () => {
        if (!ctx.json) ctx.err(waitingMessage(retryLockMs));
      },
    },
  });
}

function snapshotJson(id: string, s: Snapshot): Record<string, unknown> {
  return {
    time: s.time,
    parent: s.parent,
    tree: s.tree,
    paths: s.paths,
    hostname: s.hostname,
    username: s.username,
    uid: s.uid,
    gid: s.gid,
    excludes: s.excludes,
    tags: s.tags,
    program_version: s.programVersion,
    id,
    short_id: shortId(id),
  };
}

const init: Command = {
  summary: 'Initialize a new repository',
  usage: 'lockstep init [--repository-version 1|2]',
  flags: { 'repository-version': { kind: 'string' } },
  async run(ctx) {
    const location = repoLocation(ctx);
    const versionFlag = flagString(ctx.args, 'repository-version') ?? 'latest';
    const version = versionFlag === 'latest' || versionFlag === '2' ? 2 : versionFlag === '1' || versionFlag === 'stable' ? 1 : undefined;
    if (!version) throw new LockstepError(`invalid --repository-version "${versionFlag}": use 1, 2, stable or latest`);
    const { id } = await execute(ctx, initOperation, { version });
    if (ctx.json) ctx.out(JSON.stringify({ message_type: 'initialized', id, repository: redactLocation(location) }));
    else {
      ctx.out(`created restic repository ${id.slice(0, 10)} at ${redactLocation(location)}`);
      ctx.out('Please note that knowledge of your password is required to access the repository. Losing your password means that your data is irrecoverably lost.');
    }
    return ExitCode.ok;
  },
};

async function* readStdin(): AsyncIterable<Uint8Array> {
  for await (const chunk of process.stdin) yield chunk as Buffer;
}

const backupCommand: Command = {
  summary: 'Create a new snapshot of files and folders',
  usage: 'lockstep backup [flags] FILE/DIR [FILE/DIR…]',
  flags: {
    tag: { kind: 'list' },
    host: { kind: 'string', short: 'H' },
    exclude: { kind: 'list', short: 'e' },
    parent: { kind: 'string' },
    force: { kind: 'bool', short: 'f' },
    stdin: { kind: 'bool' },
    'stdin-filename': { kind: 'string' },
    compression: { kind: 'string' },
  },
  async run(ctx) {
    const stdin = flagBool(ctx.args, 'stdin');
    const started = Date.now();
    const summary = await execute(
      ctx,
      backupOperation,
      {
        paths: ctx.args.positionals,
        stdin: stdin ? { input: readStdin(), filename: flagString(ctx.args, 'stdin-filename') ?? 'stdin' } : undefined,
        tags: flagList(ctx.args, 'tag'),
        host: flagString(ctx.args, 'host'),
        excludes: flagList(ctx.args, 'exclude'),
        parent: flagString(ctx.args, 'parent'),
        force: flagBool(ctx.args, 'force'),
        compression: flagString(ctx.args, 'compression') ?? ctx.env.RESTIC_COMPRESSION,
      },
      {
        progress: ctx.json
          ? (p) => ctx.out(JSON.stringify({ message_type: 'status', files_done: p.filesDone, bytes_done: p.bytesDone, current_files: p.currentFile ? [p.currentFile] : [] }))
          : undefined,
        warn: (where, message) =>
          ctx.json
            ? ctx.err(JSON.stringify({ message_type: 'error', error: { message }, during: 'archival', item: where }))
            : ctx.err(`error: ${where}: ${message}`),
      },
    );
    const duration = Date.now() - started;
    if (ctx.json) {
      ctx.out(
        JSON.stringify({
          message_type: 'summary',
          files_new: summary.filesNew,
          files_changed: summary.filesChanged,
          files_unmodified: summary.filesUnmodified,
          dirs_new: summary.dirsNew,
          dirs_changed: summary.dirsChanged,
          dirs_unmodified: summary.dirsUnmodified,
          data_blobs: summary.dataBlobs,
          tree_blobs: summary.treeBlobs,
          data_added: summary.dataAdded,
          total_files_processed: summary.totalFilesProcessed,
          total_bytes_processed: summary.totalBytesProcessed,
          total_duration: duration / 1000,
          snapshot_id: summary.snapshotId,
        }),
      );
    } else if (!flagBool(ctx.args, 'quiet')) {
      if (summary.parent) ctx.out(`using parent snapshot ${shortId(summary.parent)}`);
      ctx.out(`Files:       ${summary.filesNew} new, ${summary.filesChanged} changed, ${summary.filesUnmodified} unmodified`);
      ctx.out(`Dirs:        ${summary.dirsNew} new, ${summary.dirsChanged} changed, ${summary.dirsUnmodified} unmodified`);
      ctx.out(`Added to the repository: ${formatBytes(summary.dataAdded)}`);
      ctx.out(`processed ${summary.totalFilesProcessed} files, ${formatBytes(summary.totalBytesProcessed)} in ${formatDuration(duration)}`);
      ctx.out(`snapshot ${shortId(summary.snapshotId)} saved`);
    }
    if (summary.unreadable.length > 0) {
      ctx.err(`Warning: at least one source file could not be read (${summary.unreadable.length} in all); the snapshot leaves them out`);
      return ExitCode.someFilesUnreadable;
    }
    return ExitCode.ok;
  },
};

const snapshots: Command = {
  summary: 'List all snapshots',
  usage: 'lockstep snapshots [--host HOST] [--tag TAG[,TAG…]] [--path PATH] [--latest N] [--group-by host,paths,tags] [ID|latest…]',
  flags: { host: { kind: 'list', short: 'H' }, tag: { kind: 'list' }, path: { kind: 'list' }, latest: { kind: 'string' }, 'group-by': { kind: 'string', short: 'g' } },
  async run(ctx) {
    const listing = await execute(ctx, snapshotsOperation, {
      snapshots: ctx.args.positionals,
      ...filterFlags(ctx.args),
      latest: countFlag(ctx.args, 'latest'),
      groupBy: flagString(ctx.args, 'group-by'),
    });
    for (const line of listing.ignored) ctx.err(line);
    if (ctx.json) {
      const entries = (g: (typeof listing.groups)[number]): Record<string, unknown>[] => g.entries.map((e) => snapshotJson(e.id, e.snapshot));
      if (!listing.grouped) ctx.out(JSON.stringify(listing.groups.flatMap(entries)));
      else ctx.out(JSON.stringify(listing.groups.map((g) => ({ group_key: groupKeyJson(g.key), snapshots: entries(g) }))));
      return ExitCode.ok;
    }
    for (const g of listing.groups) {
      if (listing.grouped) ctx.out(`snapshots for (${describeListingGroup(g.key)}):`);
      const rows = g.entries.map((e) => [shortId(e.id), formatLocalTime(e.snapshot.time), e.snapshot.hostname ?? '', (e.snapshot.tags ?? []).join(','), e.snapshot.paths.join(', ')]);
      ctx.out(table(['ID', 'Time', 'Host', 'Tags', 'Paths'], rows));
      ctx.out(`${g.entries.length} snapshots`);
    }
    return ExitCode.ok;
  },
};

/** restic's --host, --tag and --path, as snapshots and forget take them. */
function filterFlags(args: ParsedArgs): { hosts: string[]; tags: string[]; paths: string[] } {
  return { hosts: flagList(args, 'host'), tags: flagList(args, 'tag'), paths: flagList(args, 'path') };
}

function countFlag(args: ParsedArgs, name: string): number | undefined {
  const text = flagString(args, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new LockstepError(`invalid --${name} "${text}": use a whole number`);
  return Number(text);
}

function groupKeyJson(key: GroupKey): Record<string, unknown> {
  return { hostname: key.hostname ?? '', paths: key.paths ?? null, tags: key.tags ?? null };
}

/** restic's snapshots group header: "host [h], tags [a, b], paths [/x, /y]". */
function describeListingGroup(key: GroupKey): string {
  const parts: string[] = [];
  if (key.hostname !== undefined) parts.push(`host [${key.hostname}]`);
  if (key.tags !== undefined) parts.push(`tags [${key.tags.join(', ')}]`);
  if (key.paths !== undefined) parts.push(`paths [${key.paths.join(', ')}]`);
  return parts.join(', ');
}

function nodeJson(node: TreeNode, fullPath: string): Record<string, unknown> {
  return {
    name: node.name.toString(),
    type: node.type,
    path: fullPath,
    uid: node.uid,
    gid: node.gid,
    size: node.size !== undefined ? Number(node.size) : undefined,
    mode: node.mode,
    mtime: node.mtime,
    atime: node.atime,
    ctime: node.ctime,
    struct_type: 'node',
  };
}

const ls: Command = {
  summary: 'List files in a snapshot',
  usage: 'lockstep ls [-l] SNAPSHOT [DIR…]',
  flags: { long: { kind: 'bool', short: 'l' } },
  async run(ctx) {
    const [ref, ...dirs] = ctx.args.positionals;
    await execute(ctx, lsOperation, {
      snapshot: ref,
      dirs,
      onSnapshot: ({ id, snapshot }) => {
        if (ctx.json) ctx.out(JSON.stringify({ ...snapshotJson(id, snapshot), struct_type: 'snapshot' }));
        else ctx.out(`snapshot ${shortId(id)} of [${snapshot.paths.join(' ')}] at ${snapshot.time}:`);
      },
      onNode: (p, node) => {
        if (ctx.json) ctx.out(JSON.stringify(nodeJson(node, p)));
        else if (flagBool(ctx.args, 'long')) ctx.out(`${node.type.padEnd(7)} ${String(node.uid).padStart(5)} ${String(node.gid).padStart(5)} ${String(node.size ?? 0).padStart(10)} ${formatLocalTime(node.mtime)} ${p}`);
        else ctx.out(p);
      },
    });
    return ExitCode.ok;
  },
};

const restoreCommand: Command = {
  summary: 'Extract the data from a snapshot',
  usage: 'lockstep restore SNAPSHOT --target DIR',
  flags: { target: { kind: 'string', short: 't' } },
  async run(ctx) {
    const [ref] = ctx.args.positionals;
    const target = flagString(ctx.args, 'target');
    const started = Date.now();
    const summary = await execute(ctx, restoreOperation, { snapshot: ref, target }, {
      begin: () => {
        if (!ctx.json) ctx.out(`restoring snapshot ${ref} to ${target}`);
      },
      warn: (where, message) => ctx.err(ctx.json ? JSON.stringify({ message_type: 'error', error: { message }, item: where }) : `ignoring error for ${where}: ${message}`),
    });
    if (ctx.json) {
      ctx.out(JSON.stringify({ message_type: 'summary', snapshot_id: summary.snapshotId, files_restored: summary.filesRestored, dirs_restored: summary.dirsRestored, bytes_restored: summary.bytesRestored, total_duration: (Date.now() - started) / 1000 }));
    } else {
      ctx.out(`restored ${summary.filesRestored} files, ${summary.dirsRestored} folders, ${formatBytes(summary.bytesRestored)} from snapshot ${shortId(summary.snapshotId)}`);
    }
    return summary.warnings.length > 0 ? ExitCode.fatal : ExitCode.ok;
  },
};

const catCommand: Command = {
  summary: 'Print internal objects to stdout',
  usage: 'lockstep cat [config|index|snapshot|lock|key|masterkey|blob|tree] [ID]',
  flags: {},
  async run(ctx) {
    const [type, ref] = ctx.args.positionals;
    const content = await execute(ctx, catOperation, { type, ref });
    if (typeof content === 'string') ctx.out(content);
    else process.stdout.write(content);
    return ExitCode.ok;
  },
};

const pruneCommand: Command = {
  summary: 'Remove data that no snapshot references (exclusive lock)',
  usage: 'lockstep prune [--max-unused LIMIT] [--dry-run]',
  flags: { 'max-unused': { kind: 'string' }, 'dry-run': { kind: 'bool', short: 'n' } },
  async run(ctx) {
    const summary = await execute(
      ctx,
      pruneOperation,
      { maxUnused: flagString(ctx.args, 'max-unused'), dryRun: flagBool(ctx.args, 'dry-run') },
      { step: ctx.json || flagBool(ctx.args, 'quiet') ? undefined : (s) => ctx.out(s) },
    );
    printPruneSummary(ctx, summary);
    return ExitCode.ok;
  },
};

function printPruneSummary(ctx: CommandContext, s: PruneSummary): void {
  if (ctx.json) {
    ctx.out(
      JSON.stringify({
        message_type: 'summary',
        dry_run: s.dryRun,
        used_blobs: s.used.blobs,
        used_size: s.used.bytes,
        unused_blobs: s.unused.blobs,
        unused_size: s.unused.bytes,
        repack_blobs: s.repack.blobs,
        repack_size: s.repack.bytes,
        repack_packs: s.repack.packs,
        removed_blobs: s.remove.blobs,
        removed_size: s.remove.bytes,
        removed_packs: s.deletePacks + s.repack.packs + s.unreferencedPacks,
        unreferenced_packs: s.unreferencedPacks,
        remaining_blobs: s.remaining.blobs,
        remaining_size: s.remaining.bytes,
        remaining_packs: s.remaining.packs,
        remaining_unused_size: s.remaining.unusedBytes,
      }),
    );
    return;
  }
  if (flagBool(ctx.args, 'quiet')) return;
  const line = (label: string, t: { blobs: number; bytes: number }): string => `${label.padEnd(18)}${t.blobs} blobs / ${formatBytes(t.bytes)}`;
  if (s.dryRun) ctx.out('Would have made the following changes:');
  ctx.out(line('used:', s.used));
  ctx.out(line('unused:', s.unused));
  ctx.out(line('to repack:', s.repack));
  ctx.out(line('this removes:', s.remove));
  ctx.out(`${'to delete:'.padEnd(18)}${s.deletePacks} packs, ${s.unreferencedPacks} unreferenced packs`);
  ctx.out(line('remaining:', s.remaining));
  const pct = s.remaining.bytes > 0 ? ((100 * s.remaining.unusedBytes) / s.remaining.bytes).toFixed(3) : '0.000';
  ctx.out(`unused size after prune: ${formatBytes(s.remaining.unusedBytes)} (${pct}% of remaining size)`);
}

/** The --keep-* flags and the forget option each sets. */
const KEEP_COUNT_FLAGS = { 'keep-last': 'keepLast', 'keep-hourly': 'keepHourly', 'keep-daily': 'keepDaily', 'keep-weekly': 'keepWeekly', 'keep-monthly': 'keepMonthly', 'keep-yearly': 'keepYearly' } as const;
const KEEP_WITHIN_FLAGS = {
  'keep-within': 'keepWithin',
  'keep-within-hourly': 'keepWithinHourly',
  'keep-within-daily': 'keepWithinDaily',
  'keep-within-weekly': 'keepWithinWeekly',
  'keep-within-monthly': 'keepWithinMonthly',
  'keep-within-yearly': 'keepWithinYearly',
} as const;

function policyFlags(args: ParsedArgs): ForgetOptions {
  const options: ForgetOptions = {};
  for (const [flag, option] of Object.entries(KEEP_COUNT_FLAGS)) {
    const value = flagString(args, flag);
    if (value !== undefined) options[option] = parseKeepCount(value);
  }
  for (const [flag, option] of Object.entries(KEEP_WITHIN_FLAGS)) {
    const value = flagString(args, flag);
    if (value !== undefined) options[option] = value;
  }
  options.keepTags = flagList(args, 'keep-tag');
  return options;
}

const forgetCommand: Command = {
  summary: 'Remove snapshots by ID or by a retention policy (exclusive lock); --prune also removes their data',
  usage: 'lockstep forget [--keep-last N] [--keep-daily N] … [--keep-within D] [--keep-tag T] [--group-by host,paths,tags] [--dry-run] [--prune] [ID…]',
  flags: {
    ...Object.fromEntries([...Object.keys(KEEP_COUNT_FLAGS), ...Object.keys(KEEP_WITHIN_FLAGS)].map((f) => [f, { kind: 'string' as const }])),
    'keep-tag': { kind: 'list' },
    'group-by': { kind: 'string', short: 'g' },
    host: { kind: 'list' },
    tag: { kind: 'list' },
    path: { kind: 'list' },
    'dry-run': { kind: 'bool', short: 'n' },
    prune: { kind: 'bool' },
    'max-unused': { kind: 'string' },
  },
  async run(ctx) {
    const outcome = await execute(
      ctx,
      forgetOperation,
      {
        snapshots: ctx.args.positionals,
        ...policyFlags(ctx.args),
        groupBy: flagString(ctx.args, 'group-by'),
        ...filterFlags(ctx.args),
        dryRun: flagBool(ctx.args, 'dry-run'),
        prune: flagBool(ctx.args, 'prune'),
        maxUnused: flagString(ctx.args, 'max-unused'),
        onForgotten: (summary, plan) => {
          if (summary.noPolicy) ctx.err('no policy was specified, no snapshots will be removed');
          else printForget(ctx, summary, plan.policy);
          if (plan.prune && summary.removed.length > 0 && !ctx.json) ctx.out(`${summary.removed.length} snapshots have been removed, running prune`);
        },
      },
      { step: ctx.json ? undefined : (s) => ctx.out(s) },
    );
    if (outcome.prune && !ctx.json) printPruneSummary(ctx, outcome.prune);
    return ExitCode.ok;
  },
};

function printForget(ctx: CommandContext, summary: ForgetSummary, policy: RetentionPolicy): void {
  if (ctx.json) {
    const snap = (e: { id: string; snapshot: Snapshot }): Record<string, unknown> => snapshotJson(e.id, e.snapshot);
    ctx.out(
      JSON.stringify(
        summary.groups.map((g) => ({
          tags: g.key.tags ?? null,
          host: g.key.hostname ?? '',
          paths: g.key.paths ?? null,
          keep: g.keep.map(snap),
          remove: g.remove.length > 0 ? g.remove.map(snap) : null,
          reasons: g.keep.map((e) => ({ snapshot: snap(e), matches: g.reasons.get(e.id) ?? [] })),
        })),
      ),
    );
    return;
  }
  if (summary.groups.length === 0) {
    for (const id of summary.removed) ctx.out(`${flagBool(ctx.args, 'dry-run') ? 'would remove' : 'removed'} snapshot ${shortId(id)}`);
    return;
  }
  ctx.out(`Applying Policy: ${describePolicy(policy)}`);
  for (const g of summary.groups) {
    ctx.out(`snapshots for ${describeGroupKey(g.key)}:`);
    const rows = (list: typeof g.keep, withReasons: boolean): string[][] =>
      list.map((e) => [shortId(e.id), formatLocalTime(e.snapshot.time), e.snapshot.hostname ?? '', (e.snapshot.tags ?? []).join(','), ...(withReasons ? [(g.reasons.get(e.id) ?? []).join(', ')] : []), e.snapshot.paths.join(', ')]);
    ctx.out(`keep ${g.keep.length} snapshots:`);
    ctx.out(table(['ID', 'Time', 'Host', 'Tags', 'Reasons', 'Paths'], rows(g.keep, true)));
    if (g.remove.length > 0) {
      ctx.out(`remove ${g.remove.length} snapshots:`);
      ctx.out(table(['ID', 'Time', 'Host', 'Tags', 'Paths'], rows(g.remove, false)));
    }
  }
  if (flagBool(ctx.args, 'dry-run')) ctx.out(`would have removed ${summary.removed.length} snapshots`);
  else ctx.out(`removed ${summary.removed.length} snapshots`);
}

const checkCommand: Command = {
  summary: 'Check the repository for errors (exclusive lock)',
  usage: 'lockstep check [--read-data]',
  flags: { 'read-data': { kind: 'bool' } },
  async run(ctx) {
    const result = await execute(ctx, checkOperation, { readData: flagBool(ctx.args, 'read-data') }, { step: ctx.json ? undefined : (s) => ctx.out(s) });
    if (ctx.json) {
      ctx.out(JSON.stringify({ message_type: 'summary', num_errors: result.errors.length, errors: result.errors, hints: result.hints }));
    } else {
      for (const hint of result.hints) ctx.out(hint);
      for (const error of result.errors) ctx.err(`error: ${error}`);
      if (result.errors.length === 0) ctx.out('no errors were found');
    }
    if (result.errors.length > 0) throw new LockstepError(`repository contains errors (${result.errors.length} found)`);
    return ExitCode.ok;
  },
};

const unlockCommand: Command = {
  summary: 'Remove stale locks (or, with --remove-all, every lock)',
  usage: 'lockstep unlock [--remove-all]',
  flags: { 'remove-all': { kind: 'bool' } },
  async run(ctx) {
    const removed = await execute(ctx, unlockOperation, { removeAll: flagBool(ctx.args, 'remove-all') });
    if (ctx.json) ctx.out(JSON.stringify({ message_type: 'unlock', removed: removed.length, removed_ids: removed }));
    else if (removed.length > 0) ctx.out(`successfully removed ${removed.length} locks`);
    return ExitCode.ok;
  },
};

const locksCommand: Command = {
  summary: 'List the locks in the repository: holder, age, whether stale',
  usage: 'lockstep locks',
  flags: {},
  async run(ctx) {
    const locks = await execute(ctx, locksOperation, {});
    if (ctx.json) {
      ctx.out(JSON.stringify(locks.map(lockJson)));
      return ExitCode.ok;
    }
    const rows = locks.map((l) =>
      l.lock
        ? [shortId(l.id), l.lock.exclusive ? 'exclusive' : 'shared', l.lock.hostname, String(l.lock.pid), l.lock.username, formatGoDuration(l.ageMs ?? 0), l.stale ? 'stale' : '']
        : [shortId(l.id), 'unreadable', '', '', '', '', l.error ?? ''],
    );
    ctx.out(table(['ID', 'Kind', 'Host', 'PID', 'User', 'Age', 'Stale'], rows));
    ctx.out(`${locks.length} locks`);
    return ExitCode.ok;
  },
};

function lockJson(l: LockListing): Record<string, unknown> {
  if (!l.lock) return { id: l.id, short_id: shortId(l.id), readable: false, error: l.error, stale: false };
  const { time, exclusive, hostname, username, pid, uid, gid } = l.lock;
  return { id: l.id, short_id: shortId(l.id), readable: true, time, exclusive, hostname, username, pid, uid, gid, age_seconds: (l.ageMs ?? 0) / 1000, stale: l.stale };
}

const version: Command = {
  summary: 'Print version information',
  usage: 'lockstep version',
  flags: {},
  async run(ctx) {
    if (ctx.json) ctx.out(JSON.stringify({ message_type: 'version', version: PROGRAM_VERSION, node_version: process.version }));
    else ctx.out(`${PROGRAM_VERSION} on node ${process.version} ${process.platform}/${process.arch}`);
    return ExitCode.ok;
  },
};

export const COMMANDS: Record<string, Command> = {
  init,
  backup: backupCommand,
  snapshots,
  ls,
  restore: restoreCommand,
  cat: catCommand,
  forget: forgetCommand,
  prune: pruneCommand,
  check: checkCommand,
  unlock: unlockCommand,
  locks: locksCommand,
  version,
};

export function usage(commandName?: string): string {
  const command = commandName ? COMMANDS[commandName] : undefined;
  if (command) return `${command.summary}\n\nUsage: ${command.usage}\n`;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'Lockstep: encrypted, deduplicated, restic-compatible backups with strict locks.',
    '',
    'Usage: lockstep [-r REPO] [--password-file FILE] [--json] COMMAND [flags]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global flags: --retry-lock DURATION (wait for a conflicting lock), --no-lock (reading commands only)',
    'Environment: RESTIC_REPOSITORY, RESTIC_PASSWORD, RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND; LOCKSTEP_LOCK_REFRESH_MS, LOCKSTEP_LOCK_STALE_MS',
    'Exit codes: 0 ok, 1 fatal, 3 some files unreadable, 10 no repository, 11 lock failed, 12 wrong password, 130 interrupted',
    '',
  ].join('\n');
}
