import { redactLocation } from '../backend/location';
import { Backend } from '../backend/backend';
import { CorruptFileError, ExitCode, LockstepError } from '../base/errors';
import { shortId } from '../repo/format/ids';
import { chooseKdf } from '../repo/format/key';
import { Repository } from '../repo/repository';
import { Snapshot } from '../repo/format/snapshot';
import { TreeNode } from '../repo/format/tree';
import { backup, Compression } from '../ops/backup';
import { cat } from '../ops/cat';
import { restore } from '../ops/restore';
import { check } from '../ops/check';
import { leftoverRuleFromEnv } from '../ops/leftovers';
import { forget, ForgetSummary } from '../ops/forget';
import { describeGroupKey, describePolicy, parseGroupBy, parseKeepCount, parseKeepDuration, parseKeepTag, RetentionPolicy } from '../ops/retention';
import { parseMaxUnused, prune, PruneSummary } from '../ops/prune';
import { displayPath, walkTree } from '../ops/walk';
import { PROGRAM_VERSION } from '../version';
import { abortReason } from '../base/abort';
import { waitingMessage } from '../lock/acquire';
import { formatGoDuration } from '../lock/lockfile';
import { runLocked } from '../lock/session';
import { listLocks, LockListing, removeAllLocks, removeStaleLocks } from '../lock/unlock';
import { lockTimingFromEnv } from '../lock/timing';
import { parseGoDuration } from './duration';
import { flagBool, flagList, flagString, FlagSpecs, ParsedArgs } from './args';
import { formatBytes, formatDuration, formatLocalTime, table } from './format';
import { promptPassword, resolvePassword } from './password';

export interface CommandContext {
  args: ParsedArgs;
  env: NodeJS.ProcessEnv;
  json: boolean;
  signal: AbortSignal;
  out(text: string): void;
  err(text: string): void;
  openBackend(location: string): Backend;
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

async function password(ctx: CommandContext, forInit = false): Promise<string> {
  const given = resolvePassword({
    passwordFile: flagString(ctx.args, 'password-file'),
    passwordCommand: flagString(ctx.args, 'password-command'),
    env: ctx.env,
  });
  if (given !== undefined) {
    if (given.length === 0) throw new LockstepError('an empty password is not allowed');
    return given;
  }
  const first = await promptPassword(forInit ? 'enter password for new repository: ' : 'enter password for repository: ');
  if (forInit && (await promptPassword('enter password again: ')) !== first) throw new LockstepError('passwords do not match');
  return first;
}

async function openRepository(ctx: CommandContext): Promise<Repository> {
  const backend = ctx.openBackend(repoLocation(ctx));
  return Repository.open(backend, await password(ctx), ctx.signal);
}

/**
 * How a command locks the repository, as restic's same command does: `read` is a shared lock that `--no-lock`
 * may skip, `append` a shared lock, `exclusive` an exclusive one.
 */
type LockUse = 'read' | 'append' | 'exclusive';

/**
 * Opens the repository, takes the lock and runs `fn` with a repository view whose writes wait for the lock and
 * a signal that is aborted when the user cancels or the lock is lost. The lock is removed afterwards.
 */
type RepositoryTask = (repo: Repository, signal: AbortSignal) => Promise<number>;

/**
 * Opens the repository, locks it for `use` and runs `fn` (see runLocked: it starts reading while the lock is being
 * confirmed, and writes only once it is held). With `readsIndex`, the index is read from the start.
 */
async function withRepository(ctx: CommandContext, use: LockUse, fn: RepositoryTask): Promise<number>;
async function withRepository(ctx: CommandContext, use: LockUse, options: { readsIndex: boolean }, fn: RepositoryTask): Promise<number>;
async function withRepository(ctx: CommandContext, use: LockUse, ...rest: [RepositoryTask] | [{ readsIndex: boolean }, RepositoryTask]): Promise<number> {
  const [options, fn] = rest.length === 1 ? [{ readsIndex: false }, rest[0]] : rest;
  const repo = await openRepository(ctx);
  const prefetch = new AbortController();
  try {
    if (use === 'read' && flagBool(ctx.args, 'no-lock')) return await fn(repo, ctx.signal);
    if (options.readsIndex) repo.prefetchIndex(AbortSignal.any([ctx.signal, prefetch.signal]));
    const retryLock = flagString(ctx.args, 'retry-lock');
    return await runLocked(repo, {
      mode: use === 'exclusive' ? 'exclusive' : 'shared',
      retryLockMs: retryLock === undefined ? 0 : parseGoDuration(retryLock, 'retry-lock'),
      timing: lockTimingFromEnv(ctx.env),
      signal: ctx.signal,
      log: (text) => (ctx.json ? ctx.err(JSON.stringify({ message_type: 'error', error: { message: text }, during: 'lock' })) : ctx.err(text)),
      onWaiting: () => {
        if (!ctx.json) ctx.err(waitingMessage(retryLock === undefined ? 0 : parseGoDuration(retryLock, 'retry-lock')));
      },
    }, fn);
  } finally {
    prefetch.abort();
    await repo.close();
  }
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
    const repo = await Repository.init(ctx.openBackend(location), await password(ctx, true), { version, kdf: await chooseKdf(ctx.env), signal: ctx.signal });
    await repo.close();
    if (ctx.json) ctx.out(JSON.stringify({ message_type: 'initialized', id: repo.config.id, repository: redactLocation(location) }));
    else {
      ctx.out(`created restic repository ${repo.config.id.slice(0, 10)} at ${redactLocation(location)}`);
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
    const compression = (flagString(ctx.args, 'compression') ?? ctx.env.RESTIC_COMPRESSION ?? 'auto') as Compression;
    if (!['auto', 'off', 'max'].includes(compression)) throw new LockstepError(`invalid --compression "${compression}": use auto, off or max`);
    const stdin = flagBool(ctx.args, 'stdin');
    if (stdin && ctx.args.positionals.length > 0) throw new LockstepError('--stdin was given, so no files or folders may be named');
    if (!stdin && ctx.args.positionals.length === 0) throw new LockstepError('nothing to back up: give at least one file or folder, or --stdin');
    const tags = flagList(ctx.args, 'tag').flatMap((t) => t.split(',')).filter(Boolean);
    const started = Date.now();
    return withRepository(ctx, 'append', { readsIndex: true }, async (repo, signal) => {
      const summary = await backup(repo, {
        paths: ctx.args.positionals,
        stdin: stdin ? { input: readStdin(), filename: flagString(ctx.args, 'stdin-filename') ?? 'stdin' } : undefined,
        tags,
        host: flagString(ctx.args, 'host'),
        excludes: flagList(ctx.args, 'exclude'),
        parent: flagString(ctx.args, 'parent'),
        force: flagBool(ctx.args, 'force'),
        compression,
        signal,
        onProgress: ctx.json
          ? (p) => ctx.out(JSON.stringify({ message_type: 'status', files_done: p.filesDone, bytes_done: p.bytesDone, current_files: p.currentFile ? [p.currentFile] : [] }))
          : undefined,
        onWarning: (where, message) =>
          ctx.json
            ? ctx.err(JSON.stringify({ message_type: 'error', error: { message }, during: 'archival', item: where }))
            : ctx.err(`error: ${where}: ${message}`),
      });
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
    });
  },
};

const snapshots: Command = {
  summary: 'List all snapshots',
  usage: 'lockstep snapshots [--host HOST] [--tag TAG] [--path PATH] [--latest N]',
  flags: { host: { kind: 'list', short: 'H' }, tag: { kind: 'list' }, path: { kind: 'list' }, latest: { kind: 'string' } },
  async run(ctx) {
    return withRepository(ctx, 'read', async (repo, signal) => {
      const hosts = flagList(ctx.args, 'host');
      const tags = flagList(ctx.args, 'tag').flatMap((t) => t.split(','));
      const pathsWanted = flagList(ctx.args, 'path');
      const ids = ctx.args.positionals;
      let list = (await repo.listSnapshots(signal, (damage) => warnDamagedSnapshot(ctx, damage))).filter(
        (e) =>
          (hosts.length === 0 || hosts.includes(e.snapshot.hostname ?? '')) &&
          tags.every((t) => e.snapshot.tags?.includes(t)) &&
          pathsWanted.every((p) => e.snapshot.paths.includes(p)) &&
          (ids.length === 0 || ids.some((id) => e.id.startsWith(id))),
      );
      const latest = flagString(ctx.args, 'latest');
      if (latest) list = list.slice(-Math.max(0, Number(latest)));
      if (ctx.json) {
        ctx.out(JSON.stringify(list.map((e) => snapshotJson(e.id, e.snapshot))));
        return ExitCode.ok;
      }
      const rows = list.map((e) => [shortId(e.id), formatLocalTime(e.snapshot.time), e.snapshot.hostname ?? '', (e.snapshot.tags ?? []).join(','), e.snapshot.paths.join(', ')]);
      ctx.out(table(['ID', 'Time', 'Host', 'Tags', 'Paths'], rows));
      ctx.out(`${list.length} snapshots`);
      return ExitCode.ok;
    });
  },
};

/** A snapshot file left out of a listing because it is damaged (restic 0.18: `Ignoring "<id>": …`, exit code 0). */
function warnDamagedSnapshot(ctx: CommandContext, damage: CorruptFileError): void {
  if (ctx.json) ctx.err(JSON.stringify({ message_type: 'error', error: { message: damage.message }, item: damage.file }));
  else ctx.err(`Ignoring a damaged snapshot: ${damage.message}`);
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
    if (!ref) throw new LockstepError('ls needs a snapshot ID (or "latest")');
    return withRepository(ctx, 'read', { readsIndex: true }, async (repo, signal) => {
      await repo.loadIndex(signal);
      const { id, snapshot } = await repo.findSnapshot(ref, signal);
      const wanted = dirs.map((d) => d.replace(/\/+$/, '') || '/');
      const shown = (p: string): boolean => wanted.length === 0 || wanted.some((w) => p === w || p.startsWith(w === '/' ? '/' : `${w}/`));
      if (ctx.json) ctx.out(JSON.stringify({ ...snapshotJson(id, snapshot), struct_type: 'snapshot' }));
      else ctx.out(`snapshot ${shortId(id)} of [${snapshot.paths.join(' ')}] at ${snapshot.time}:`);
      await walkTree(
        repo,
        snapshot.tree,
        ({ components, node }) => {
          const p = displayPath(components);
          if (shown(p)) {
            if (ctx.json) ctx.out(JSON.stringify(nodeJson(node, p)));
            else if (flagBool(ctx.args, 'long')) ctx.out(`${node.type.padEnd(7)} ${String(node.uid).padStart(5)} ${String(node.gid).padStart(5)} ${String(node.size ?? 0).padStart(10)} ${formatLocalTime(node.mtime)} ${p}`);
            else ctx.out(p);
          }
          // Only descend where something wanted can be below.
          return wanted.length === 0 || wanted.some((w) => w.startsWith(`${p}/`) || shown(p));
        },
        signal,
      );
      return ExitCode.ok;
    });
  },
};

const restoreCommand: Command = {
  summary: 'Extract the data from a snapshot',
  usage: 'lockstep restore SNAPSHOT --target DIR',
  flags: { target: { kind: 'string', short: 't' } },
  async run(ctx) {
    const [ref] = ctx.args.positionals;
    const target = flagString(ctx.args, 'target');
    if (!ref) throw new LockstepError('restore needs a snapshot ID (or "latest")');
    if (!target) throw new LockstepError('please specify a directory to restore to (--target)');
    const started = Date.now();
    return withRepository(ctx, 'read', { readsIndex: true }, async (repo, signal) => {
      if (!ctx.json) ctx.out(`restoring snapshot ${ref} to ${target}`);
      const summary = await restore(repo, {
        snapshot: ref,
        target,
        signal,
        onWarning: (where, message) => ctx.err(ctx.json ? JSON.stringify({ message_type: 'error', error: { message }, item: where }) : `ignoring error for ${where}: ${message}`),
      });
      if (ctx.json) {
        ctx.out(JSON.stringify({ message_type: 'summary', snapshot_id: summary.snapshotId, files_restored: summary.filesRestored, dirs_restored: summary.dirsRestored, bytes_restored: summary.bytesRestored, total_duration: (Date.now() - started) / 1000 }));
      } else {
        ctx.out(`restored ${summary.filesRestored} files, ${summary.dirsRestored} folders, ${formatBytes(summary.bytesRestored)} from snapshot ${shortId(summary.snapshotId)}`);
      }
      return summary.warnings.length > 0 ? ExitCode.fatal : ExitCode.ok;
    });
  },
};

const catCommand: Command = {
  summary: 'Print internal objects to stdout',
  usage: 'lockstep cat [config|index|snapshot|lock|key|masterkey|blob|tree] [ID]',
  flags: {},
  async run(ctx) {
    const [type, ref] = ctx.args.positionals;
    if (!type) throw new LockstepError('cat needs a type: config, index, snapshot, lock, key, masterkey, blob or tree');
    return withRepository(ctx, 'read', async (repo, signal) => {
      const content = await cat(repo, type, ref, signal);
      if (typeof content === 'string') ctx.out(content);
      else process.stdout.write(content);
      return ExitCode.ok;
    });
  },
};

const pruneCommand: Command = {
  summary: 'Remove data that no snapshot references (exclusive lock)',
  usage: 'lockstep prune [--max-unused LIMIT] [--dry-run]',
  flags: { 'max-unused': { kind: 'string' }, 'dry-run': { kind: 'bool', short: 'n' } },
  async run(ctx) {
    const maxUnused = parseMaxUnused(flagString(ctx.args, 'max-unused') ?? '5%');
    return withRepository(ctx, 'exclusive', { readsIndex: true }, async (repo, signal) => {
      const summary = await prune(repo, {
        maxUnused,
        dryRun: flagBool(ctx.args, 'dry-run'),
        signal,
        leftovers: leftoverRuleFromEnv(ctx.env),
        onStep: ctx.json || flagBool(ctx.args, 'quiet') ? undefined : (s) => ctx.out(s),
      });
      printPruneSummary(ctx, summary);
      return ExitCode.ok;
    });
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
        removed_temporary_files: s.leftovers.files,
        removed_temporary_size: s.leftovers.bytes,
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
  if (s.leftovers.files > 0 || s.leftovers.kept > 0) {
    const kept = s.leftovers.kept > 0 ? ` (${s.leftovers.kept} newer ones kept for now)` : '';
    ctx.out(`${'temporary files:'.padEnd(18)}${s.leftovers.files} left by interrupted writers / ${formatBytes(s.leftovers.bytes)}${kept}`);
  }
  ctx.out(line('remaining:', s.remaining));
  const pct = s.remaining.bytes > 0 ? ((100 * s.remaining.unusedBytes) / s.remaining.bytes).toFixed(3) : '0.000';
  ctx.out(`unused size after prune: ${formatBytes(s.remaining.unusedBytes)} (${pct}% of remaining size)`);
}

const KEEP_COUNTS = { 'keep-last': 'last', 'keep-hourly': 'hourly', 'keep-daily': 'daily', 'keep-weekly': 'weekly', 'keep-monthly': 'monthly', 'keep-yearly': 'yearly' } as const;
const KEEP_WITHIN = {
  'keep-within': 'within',
  'keep-within-hourly': 'withinHourly',
  'keep-within-daily': 'withinDaily',
  'keep-within-weekly': 'withinWeekly',
  'keep-within-monthly': 'withinMonthly',
  'keep-within-yearly': 'withinYearly',
} as const;

function policyFromFlags(args: ParsedArgs): RetentionPolicy {
  const policy: RetentionPolicy = {};
  for (const [flag, field] of Object.entries(KEEP_COUNTS)) {
    const value = flagString(args, flag);
    if (value !== undefined) policy[field] = parseKeepCount(value);
  }
  for (const [flag, field] of Object.entries(KEEP_WITHIN)) {
    const value = flagString(args, flag);
    if (value !== undefined) policy[field] = parseKeepDuration(value);
  }
  const tags = flagList(args, 'keep-tag');
  if (tags.length > 0) policy.tags = tags.map(parseKeepTag);
  return policy;
}

const forgetCommand: Command = {
  summary: 'Remove snapshots by ID or by a retention policy (exclusive lock); --prune also removes their data',
  usage: 'lockstep forget [--keep-last N] [--keep-daily N] … [--keep-within D] [--keep-tag T] [--group-by host,paths,tags] [--dry-run] [--prune] [ID…]',
  flags: {
    ...Object.fromEntries([...Object.keys(KEEP_COUNTS), ...Object.keys(KEEP_WITHIN)].map((f) => [f, { kind: 'string' as const }])),
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
    const policy = policyFromFlags(ctx.args);
    const groupBy = parseGroupBy(flagString(ctx.args, 'group-by') ?? 'host,paths');
    const dryRun = flagBool(ctx.args, 'dry-run');
    const maxUnused = parseMaxUnused(flagString(ctx.args, 'max-unused') ?? '5%');
    return withRepository(ctx, 'exclusive', async (repo, signal) => {
      const summary = await forget(repo, {
        snapshots: ctx.args.positionals,
        policy,
        groupBy,
        filter: { hosts: flagList(ctx.args, 'host'), tags: flagList(ctx.args, 'tag').map((t) => t.split(',')), paths: flagList(ctx.args, 'path') },
        dryRun,
        signal,
      });
      for (const damage of summary.damaged) warnDamagedSnapshot(ctx, damage);
      if (summary.noPolicy) {
        ctx.err('no policy was specified, no snapshots will be removed');
        return ExitCode.ok;
      }
      printForget(ctx, summary, policy);
      if (flagBool(ctx.args, 'prune') && summary.removed.length > 0) {
        if (!ctx.json) ctx.out(`${summary.removed.length} snapshots have been removed, running prune`);
        const pruned = await prune(repo, { maxUnused, dryRun, signal, leftovers: leftoverRuleFromEnv(ctx.env), onStep: ctx.json ? undefined : (s) => ctx.out(s) });
        if (!ctx.json) printPruneSummary(ctx, pruned);
      }
      return ExitCode.ok;
    });
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
    return withRepository(ctx, 'exclusive', { readsIndex: true }, async (repo, signal) => {
      const result = await check(repo, {
        readData: flagBool(ctx.args, 'read-data'),
        signal,
        leftovers: leftoverRuleFromEnv(ctx.env),
        onStep: ctx.json ? undefined : (s) => ctx.out(s),
      });
      if (ctx.json) {
        ctx.out(JSON.stringify({ message_type: 'summary', num_errors: result.errors.length, errors: result.errors, hints: result.hints }));
      } else {
        for (const hint of result.hints) ctx.out(hint);
        for (const error of result.errors) ctx.err(`error: ${error}`);
        if (result.errors.length === 0) ctx.out('no errors were found');
      }
      if (result.errors.length > 0) throw new LockstepError(`repository contains errors (${result.errors.length} found)`);
      return ExitCode.ok;
    });
  },
};

const unlockCommand: Command = {
  summary: 'Remove stale locks (or, with --remove-all, every lock)',
  usage: 'lockstep unlock [--remove-all]',
  flags: { 'remove-all': { kind: 'bool' } },
  async run(ctx) {
    const repo = await openRepository(ctx);
    try {
      const removed = flagBool(ctx.args, 'remove-all')
        ? await removeAllLocks(repo, ctx.signal)
        : await removeStaleLocks(repo, { timing: lockTimingFromEnv(ctx.env), signal: ctx.signal });
      if (ctx.json) ctx.out(JSON.stringify({ message_type: 'unlock', removed: removed.length, removed_ids: removed }));
      else if (removed.length > 0) ctx.out(`successfully removed ${removed.length} locks`);
      return ExitCode.ok;
    } finally {
      await repo.close();
    }
  },
};

const locksCommand: Command = {
  summary: 'List the locks in the repository: holder, age, whether stale',
  usage: 'lockstep locks',
  flags: {},
  async run(ctx) {
    const repo = await openRepository(ctx);
    try {
      const locks = await listLocks(repo, { timing: lockTimingFromEnv(ctx.env), signal: ctx.signal });
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
    } finally {
      await repo.close();
    }
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
