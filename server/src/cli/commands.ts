import { redactLocation } from '../../../shared/src/location';
import { Backend } from '../backend/backend';
import { CorruptFileError, ExitCode, LockstepError } from '../base/errors';
import { shortId } from '../repo/format/ids';
import { Snapshot } from '../repo/format/snapshot';
import { TreeNode } from '../repo/format/tree';
import { ForgetSummary } from '../ops/forget';
import { describeGroupKey, describePolicy, GroupKey, parseKeepCount, RetentionPolicy } from '../ops/retention';
import { PruneSummary } from '../ops/prune';
import { PROGRAM_VERSION } from '../version';
import { waitingMessage } from '../lock/acquire';
import { formatGoDuration } from '../lock/lockfile';
import { LockListing } from '../lock/unlock';
import { KeyListing } from '../ops/keys';
import { lockTimingFromEnv } from '../lock/timing';
import {
  backupOperation,
  catOperation,
  checkOperation,
  forgetOperation,
  initOperation,
  keyAddOperation,
  keyListOperation,
  keyPasswdOperation,
  keyRemoveOperation,
  locksOperation,
  lsOperation,
  pruneOperation,
  restoreOperation,
  snapshotsOperation,
  unlockOperation,
} from '../service/catalogue';
import { Operation } from '../service/operation';
import { flagName, OptionSpec } from '../service/options';
import { runOperation, Session } from '../service/runner';
import { parseGoDuration } from './duration';
import { flagBool, flagList, flagString, FlagSpecs, ParsedArgs } from './args';
import { askNewPassword } from './password';
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

const FLAG_KINDS = { string: 'string', strings: 'list', count: 'string', boolean: 'bool' } as const;

function specsOf<Input>(op: Operation<Input, unknown, unknown>): [string, OptionSpec][] {
  return Object.entries(op.options) as [string, OptionSpec][];
}

/** The operation's options as flags (those it takes as positionals, or spells its own way, are not flags). */
function flagsOf<Input>(op: Operation<Input, unknown, unknown>): FlagSpecs {
  const positionals: readonly string[] = op.positionals ?? [];
  return Object.fromEntries(
    specsOf(op)
      .filter(([name, spec]) => !spec.cliOwn && !positionals.includes(name))
      .map(([name, spec]) => [flagName(name, spec), { kind: FLAG_KINDS[spec.kind], short: spec.short }]),
  );
}

/** The operation's options from the command line, as its specs spell them. */
function optionsFromArgs<Input>(op: Operation<Input, unknown, unknown>, args: ParsedArgs): Record<string, unknown> {
  const read: Record<string, unknown> = {};
  const rest = [...args.positionals];
  const specs = new Map(specsOf(op));
  const positionals: readonly string[] = op.positionals ?? [];
  for (const name of positionals) read[name] = specs.get(name)?.kind === 'strings' ? rest.splice(0) : rest.shift();
  for (const [name, spec] of specs) {
    if (spec.cliOwn || positionals.includes(name)) continue;
    const flag = flagName(name, spec);
    if (spec.kind === 'boolean') read[name] = flagBool(args, flag);
    else if (spec.kind === 'strings') read[name] = flagList(args, flag);
    else {
      const text = flagString(args, flag);
      if (text !== undefined) read[name] = spec.kind === 'count' ? parseKeepCount(text) : text;
    }
  }
  return read;
}

/** What a command adds to its operation: its own flags and options, how it reports, how it prints the result. */
interface Front<Input, Result> {
  summary: string;
  usage: string;
  /** Flags of the CLI's own (rendering, --stdin), besides the operation's. */
  flags?: FlagSpecs;
  /** The CLI's own spellings and listeners, added to the options read from the command line. */
  input?(ctx: CommandContext): Partial<Input>;
  report?(ctx: CommandContext): Session['report'];
  /** Prints the result; returns the exit code. */
  render(ctx: CommandContext, result: Result, startedMs: number): number;
}

/** A command over an operation of the catalogue: argv in, the catalogue's options out, its result printed. */
function command<Input, Options, Result>(op: Operation<Input, Options, Result>, front: Front<Input, Result>): Command {
  return {
    summary: front.summary,
    usage: front.usage,
    flags: { ...flagsOf(op), ...front.flags },
    async run(ctx) {
      const started = Date.now();
      // The specs are keyed by Input's option names, so what they read is an Input (less the CLI's own additions).
      const input = { ...optionsFromArgs(op, ctx.args), ...front.input?.(ctx) } as Input;
      return front.render(ctx, await execute(ctx, op, input, front.report?.(ctx)), started);
    },
  };
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

const init = command(initOperation, {
  summary: 'Initialize a new repository',
  usage: 'lockstep init [--repository-version 1|2]',
  flags: { 'repository-version': { kind: 'string' } },
  input(ctx): { version: 1 | 2 } {
    const versionFlag = flagString(ctx.args, 'repository-version') ?? 'latest';
    const version = versionFlag === 'latest' || versionFlag === '2' ? 2 : versionFlag === '1' || versionFlag === 'stable' ? 1 : undefined;
    if (version === undefined) throw new LockstepError(`invalid --repository-version "${versionFlag}": use 1, 2, stable or latest`);
    return { version };
  },
  render(ctx, { id }) {
    const location = redactLocation(repoLocation(ctx));
    if (ctx.json) ctx.out(JSON.stringify({ message_type: 'initialized', id, repository: location }));
    else {
      ctx.out(`created restic repository ${id.slice(0, 10)} at ${location}`);
      ctx.out('Please note that knowledge of your password is required to access the repository. Losing your password means that your data is irrecoverably lost.');
    }
    return ExitCode.ok;
  },
});

async function* readStdin(): AsyncIterable<Uint8Array> {
  for await (const chunk of process.stdin) yield chunk as Buffer;
}

const backupCommand = command(backupOperation, {
  summary: 'Create a new snapshot of files and folders',
  usage: 'lockstep backup [flags] FILE/DIR [FILE/DIR…]',
  flags: { stdin: { kind: 'bool' }, 'stdin-filename': { kind: 'string' } },
  input: (ctx) => ({
    stdin: flagBool(ctx.args, 'stdin') ? { input: readStdin(), filename: flagString(ctx.args, 'stdin-filename') ?? 'stdin' } : undefined,
    compression: flagString(ctx.args, 'compression') ?? ctx.env.RESTIC_COMPRESSION,
  }),
  report: (ctx) => ({
    progress: ctx.json
      ? (p) => ctx.out(JSON.stringify({ message_type: 'status', files_done: p.filesDone, bytes_done: p.bytesDone, current_files: p.currentFile ? [p.currentFile] : [] }))
      : undefined,
    warn: (where, message) =>
      ctx.json ? ctx.err(JSON.stringify({ message_type: 'error', error: { message }, during: 'archival', item: where })) : ctx.err(`error: ${where}: ${message}`),
  }),
  render(ctx, summary, started) {
    const duration = Date.now() - started;
    const dryRun = flagBool(ctx.args, 'dry-run');
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
          ...(dryRun ? { dry_run: true } : {}),
        }),
      );
    } else if (!flagBool(ctx.args, 'quiet')) {
      if (summary.parent) ctx.out(`using parent snapshot ${shortId(summary.parent)}`);
      ctx.out(`Files:       ${summary.filesNew} new, ${summary.filesChanged} changed, ${summary.filesUnmodified} unmodified`);
      ctx.out(`Dirs:        ${summary.dirsNew} new, ${summary.dirsChanged} changed, ${summary.dirsUnmodified} unmodified`);
      ctx.out(`${dryRun ? 'Would add to the repository' : 'Added to the repository'}: ${formatBytes(summary.dataAdded)}`);
      ctx.out(`processed ${summary.totalFilesProcessed} files, ${formatBytes(summary.totalBytesProcessed)} in ${formatDuration(duration)}`);
      if (!dryRun) ctx.out(summary.snapshotId === undefined ? 'skipped creating snapshot' : `snapshot ${shortId(summary.snapshotId)} saved`);
    }
    if (summary.unreadable.length > 0) {
      ctx.err(`Warning: at least one source file could not be read (${summary.unreadable.length} in all); the snapshot leaves them out`);
      return ExitCode.someFilesUnreadable;
    }
    return ExitCode.ok;
  },
});

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

/** A snapshot file left out of a listing because it is damaged (restic 0.18: `Ignoring "<id>": …`, exit code 0). */
function warnDamagedSnapshot(ctx: CommandContext, damage: CorruptFileError): void {
  if (ctx.json) ctx.err(JSON.stringify({ message_type: 'error', error: { message: damage.message }, item: damage.file }));
  else ctx.err(`Ignoring a damaged snapshot: ${damage.message}`);
}

const snapshots = command(snapshotsOperation, {
  summary: 'List all snapshots',
  usage: 'lockstep snapshots [--host HOST] [--tag TAG[,TAG…]] [--path PATH] [--latest N] [--group-by host,paths,tags] [ID|latest…]',
  render(ctx, listing) {
    for (const damage of listing.damaged) warnDamagedSnapshot(ctx, damage);
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
});

const ls = command(lsOperation, {
  summary: 'List files in a snapshot',
  usage: 'lockstep ls [-l] SNAPSHOT [DIR…]',
  flags: { long: { kind: 'bool', short: 'l' } },
  input: (ctx) => ({
    onSnapshot: ({ id, snapshot }) => {
      if (ctx.json) ctx.out(JSON.stringify({ ...snapshotJson(id, snapshot), struct_type: 'snapshot' }));
      else ctx.out(`snapshot ${shortId(id)} of [${snapshot.paths.join(' ')}] at ${snapshot.time}:`);
    },
    onNode: (p, node) => {
      if (ctx.json) ctx.out(JSON.stringify(nodeJson(node, p)));
      else if (flagBool(ctx.args, 'long')) ctx.out(`${node.type.padEnd(7)} ${String(node.uid).padStart(5)} ${String(node.gid).padStart(5)} ${String(node.size ?? 0).padStart(10)} ${formatLocalTime(node.mtime)} ${p}`);
      else ctx.out(p);
    },
  }),
  render: () => ExitCode.ok,
});

const restoreCommand = command(restoreOperation, {
  summary: 'Extract the data from a snapshot',
  usage: 'lockstep restore SNAPSHOT --target DIR',
  report: (ctx) => ({
    begin: () => {
      if (!ctx.json) ctx.out(`restoring snapshot ${ctx.args.positionals[0]} to ${flagString(ctx.args, 'target')}`);
    },
    warn: (where, message) => ctx.err(ctx.json ? JSON.stringify({ message_type: 'error', error: { message }, item: where }) : `ignoring error for ${where}: ${message}`),
  }),
  render(ctx, summary, started) {
    if (ctx.json) {
      ctx.out(JSON.stringify({ message_type: 'summary', snapshot_id: summary.snapshotId, files_restored: summary.filesRestored, dirs_restored: summary.dirsRestored, bytes_restored: summary.bytesRestored, total_duration: (Date.now() - started) / 1000 }));
    } else {
      ctx.out(`restored ${summary.filesRestored} files, ${summary.dirsRestored} folders, ${formatBytes(summary.bytesRestored)} from snapshot ${shortId(summary.snapshotId)}`);
    }
    return summary.warnings.length > 0 ? ExitCode.fatal : ExitCode.ok;
  },
});

const catCommand = command(catOperation, {
  summary: 'Print internal objects to stdout',
  usage: 'lockstep cat [config|index|snapshot|lock|key|masterkey|blob|tree] [ID]',
  render(ctx, content) {
    if (typeof content === 'string') ctx.out(content);
    else process.stdout.write(content);
    return ExitCode.ok;
  },
});

const pruneCommand = command(pruneOperation, {
  summary: 'Remove data that no snapshot references (exclusive lock)',
  usage: 'lockstep prune [--max-unused LIMIT] [--dry-run]',
  report: (ctx) => ({ step: ctx.json || flagBool(ctx.args, 'quiet') ? undefined : (s) => ctx.out(s) }),
  render(ctx, summary) {
    printPruneSummary(ctx, summary);
    return ExitCode.ok;
  },
});

const forgetCommand = command(forgetOperation, {
  summary: 'Remove snapshots by ID or by a retention policy (exclusive lock); --prune also removes their data',
  usage: 'lockstep forget [--keep-last N] [--keep-daily N] … [--keep-within D] [--keep-tag T] [--group-by host,paths,tags] [--dry-run] [--prune] [ID…]',
  input: (ctx) => ({
    // forget's decision is printed before the prune it chains to begins.
    onForgotten: (summary, plan) => {
      for (const damage of summary.damaged) warnDamagedSnapshot(ctx, damage);
      if (summary.noPolicy) ctx.err('no policy was specified, no snapshots will be removed');
      else printForget(ctx, summary, plan.policy);
      if (plan.prune && summary.removed.length > 0 && !ctx.json) ctx.out(`${summary.removed.length} snapshots have been removed, running prune`);
    },
  }),
  report: (ctx) => ({ step: ctx.json ? undefined : (s) => ctx.out(s) }),
  render(ctx, outcome) {
    if (outcome.prune && !ctx.json) printPruneSummary(ctx, outcome.prune);
    return ExitCode.ok;
  },
});

const checkCommand = command(checkOperation, {
  summary: 'Check the repository for errors (exclusive lock)',
  usage: 'lockstep check [--read-data]',
  report: (ctx) => ({ step: ctx.json ? undefined : (s) => ctx.out(s) }),
  render(ctx, result) {
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
});

const unlockCommand = command(unlockOperation, {
  summary: 'Remove stale locks (or, with --remove-all, every lock)',
  usage: 'lockstep unlock [--remove-all]',
  render(ctx, removed) {
    if (ctx.json) ctx.out(JSON.stringify({ message_type: 'unlock', removed: removed.length, removed_ids: removed }));
    else if (removed.length > 0) ctx.out(`successfully removed ${removed.length} locks`);
    return ExitCode.ok;
  },
});

const locksCommand = command(locksOperation, {
  summary: 'List the locks in the repository: holder, age, whether stale',
  usage: 'lockstep locks',
  render(ctx, locks) {
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
});

function lockJson(l: LockListing): Record<string, unknown> {
  if (!l.lock) return { id: l.id, short_id: shortId(l.id), readable: false, error: l.error, stale: false };
  const { time, exclusive, hostname, username, pid, uid, gid } = l.lock;
  return { id: l.id, short_id: shortId(l.id), readable: true, time, exclusive, hostname, username, pid, uid, gid, age_seconds: (l.ageMs ?? 0) / 1000, stale: l.stale };
}

const keyList = command(keyListOperation, {
  summary: 'List keys (passwords)',
  usage: 'lockstep key list',
  render(ctx, keys) {
    const created = (k: KeyListing): string => formatLocalTime(k.created);
    if (ctx.json) {
      ctx.out(JSON.stringify(keys.map((k) => ({ current: k.current, id: k.id, userName: k.username, hostName: k.hostname, created: created(k) }))));
      return ExitCode.ok;
    }
    for (const k of keys) if (k.error) ctx.err(`key ${shortId(k.id)} cannot be read: ${k.error}`);
    ctx.out(table([' ID', 'User', 'Host', 'Created'], keys.map((k) => [`${k.current ? '*' : ' '}${shortId(k.id)}`, k.username, k.hostname, created(k)])));
    return ExitCode.ok;
  },
});

const keyAdd = command(keyAddOperation, {
  summary: 'Add a new key (password) to the repository; returns the new key ID',
  usage: 'lockstep key add [--new-password-file FILE] [--host HOST] [--user USER]',
  input: () => ({ askNewPassword }),
  render(ctx, id) {
    ctx.out(`saved new key with ID ${id}`);
    return ExitCode.ok;
  },
});

const keyPasswd = command(keyPasswdOperation, {
  summary: 'Change key (password); creates a new key ID and removes the old key ID, returns new key ID',
  usage: 'lockstep key passwd [--new-password-file FILE] [--host HOST] [--user USER]',
  input: () => ({ askNewPassword }),
  render(ctx, { id, removed }) {
    ctx.out(`saved new key as ${id} (removed the old key ${shortId(removed)})`);
    return ExitCode.ok;
  },
});

const keyRemove = command(keyRemoveOperation, {
  summary: 'Remove key ID (password) from the repository',
  usage: 'lockstep key remove ID',
  render(ctx, id) {
    ctx.out(`removed key ${id}`);
    return ExitCode.ok;
  },
});

const KEY_COMMANDS: Record<string, Command> = { list: keyList, add: keyAdd, passwd: keyPasswd, remove: keyRemove };

/** restic's `key` with its four sub-commands; the first positional names the sub-command. */
const key: Command = {
  summary: 'Manage keys (passwords): key list|add|passwd|remove',
  usage: `lockstep key list|add|passwd|remove [flags]\n\n${Object.entries(KEY_COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}\n           ${c.usage}`)
    .join('\n')}`,
  flags: Object.assign({}, ...Object.values(KEY_COMMANDS).map((c) => c.flags)) as FlagSpecs,
  async run(ctx) {
    const [name, ...positionals] = ctx.args.positionals;
    const sub = name === undefined ? undefined : KEY_COMMANDS[name];
    if (!sub) throw new LockstepError(name === undefined ? 'key needs a sub-command: list, add, passwd or remove' : `unknown key sub-command "${name}": use list, add, passwd or remove`);
    for (const flag of ctx.args.flags.keys()) {
      if (!(flag in GLOBAL_FLAGS) && !(flag in sub.flags)) throw new LockstepError(`unknown flag --${flag} for "key ${name}"`);
    }
    return sub.run({ ...ctx, args: { ...ctx.args, positionals } });
  },
};

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
  key,
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
    'Global flags: --retry-lock DURATION (wait for a conflicting lock), --no-lock (reading commands only),',
    '  --cache-dir DIR (cache of a remote repository\'s index and snapshots), --no-cache',
    'Environment: RESTIC_REPOSITORY, RESTIC_PASSWORD, RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND, RESTIC_CACHE_DIR; LOCKSTEP_LOCK_REFRESH_MS, LOCKSTEP_LOCK_STALE_MS',
    'Exit codes: 0 ok, 1 fatal, 3 some files unreadable, 10 no repository, 11 lock failed, 12 wrong password, 130 interrupted',
    '',
  ].join('\n');
}
