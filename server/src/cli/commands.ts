import { once } from 'node:events';
import { redactLocation } from '../../../shared/src/location';
import { Backend } from '../backend/backend';
import { CorruptFileError, ExitCode, LockstepError } from '../base/errors';
import { shortId } from '../repo/format/ids';
import { Snapshot } from '../repo/format/snapshot';
import { TreeNode } from '../repo/format/tree';
import { BackupSummary, ItemChange } from '../ops/backup';
import { ForgetSummary } from '../ops/forget';
import { DiffSide } from '../ops/diff';
import { SnapshotEntry } from '../repo/repository';
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
  diffOperation,
  dumpOperation,
  findOperation,
  statsOperation,
  tagOperation,
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
import { formatBytes, formatDuration, formatGoMode, formatLocalTime, table } from './format';
import { GlobalSettings, repositoryLocation } from './globals';
import { backupStatusJson, backupSummaryJson, checkSummaryJson, nodeJson, restoreSummaryJson, snapshotJson, snapshotSize } from './json';
import { longListingLine } from './lslong';
import { CLEAR_BELOW, ProgressUnit, StatusLine, Terminal } from './progress';

export interface CommandContext extends GlobalSettings {
  args: ParsedArgs;
  /** Standard output, for the status line drawn while a terminal shows it. */
  terminal: Terminal;
  env: NodeJS.ProcessEnv;
  json: boolean;
  signal: AbortSignal;
  out(text: string): void;
  err(text: string): void;
  openBackend(location: string): Backend;
  /** The repository password, as the entry point resolves it (flags, environment, a prompt). */
  password(forNewRepository: boolean): Promise<string>;
}

export interface Command {
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
  'repository-file': { kind: 'string' },
  quiet: { kind: 'bool', short: 'q' },
  verbose: { kind: 'count', short: 'v' },
  'no-cache': { kind: 'bool' },
  'cache-dir': { kind: 'string' },
  help: { kind: 'bool', short: 'h' },
  'retry-lock': { kind: 'string' },
  'no-lock': { kind: 'bool' },
};

function repoLocation(ctx: CommandContext): string {
  return repositoryLocation(ctx.args, ctx.env);
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
      .map(([name, spec]) => [flagName(name, spec), { kind: FLAG_KINDS[spec.kind], short: spec.short, description: spec.description, default: spec.default }]),
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
    // -vv: restic's line for each file and folder ("new       /src/a.txt", folders with a trailing slash).
    onItem: ctx.verbose >= 2 && !ctx.json ? (change: ItemChange, item: string, isDir: boolean) => ctx.out(`${change.padEnd(9)} ${item}${isDir ? '/' : ''}`) : undefined,
    // restic's --host defaults to RESTIC_HOST (an empty one means this machine's name).
    ...(flagString(ctx.args, 'host') === undefined && ctx.env.RESTIC_HOST ? { host: ctx.env.RESTIC_HOST } : {}),
  }),
  report: backupReport,
  render(ctx, summary, started) {
    const duration = Date.now() - started;
    const dryRun = flagBool(ctx.args, 'dry-run');
    if (ctx.json) ctx.out(JSON.stringify(backupSummaryJson(summary, duration, dryRun)));
    else if (!ctx.quiet) printBackupSummary(ctx, summary, duration, dryRun);
    if (summary.unreadable.length > 0) {
      ctx.err(`Warning: at least one source file could not be read (${summary.unreadable.length} in all); the snapshot leaves them out`);
      return ExitCode.someFilesUnreadable;
    }
    return ExitCode.ok;
  },
});

/**
 * backup's status as restic shows it: JSON status messages with --json, a live line on a terminal, else nothing (and
 * then the backup counts no totals to show).
 */
function backupReport(ctx: CommandContext): Session['report'] {
  const started = Date.now();
  const line = statusLineReport(ctx, 'files');
  const progress: NonNullable<Session['report']>['progress'] = ctx.json ? (p) => ctx.out(JSON.stringify(backupStatusJson(p, Date.now() - started))) : line.progress;
  return {
    begin: () => {
      if (ctx.verbose > 0 && !ctx.json) ctx.out(`start scan on [${ctx.args.positionals.join(' ')}]\nstart backup on [${ctx.args.positionals.join(' ')}]`);
    },
    ...(progress && { progress }),
    warn: (where, message) =>
      ctx.json ? ctx.err(JSON.stringify({ message_type: 'error', error: { message }, during: 'archival', item: where })) : ctx.err(`error: ${where}: ${message}`),
    notice: (text) => ctx.err(text),
  };
}

function printBackupSummary(ctx: CommandContext, summary: BackupSummary, durationMs: number, dryRun: boolean): void {
  const n = (count: number): string => String(count).padStart(5);
  if (summary.parent) ctx.out(`using parent snapshot ${shortId(summary.parent)}`);
  ctx.out('');
  ctx.out(`Files:       ${n(summary.filesNew)} new, ${n(summary.filesChanged)} changed, ${n(summary.filesUnmodified)} unmodified`);
  ctx.out(`Dirs:        ${n(summary.dirsNew)} new, ${n(summary.dirsChanged)} changed, ${n(summary.dirsUnmodified)} unmodified`);
  if (ctx.verbose > 0) {
    ctx.out(`Data Blobs:  ${n(summary.dataBlobs)} new`);
    ctx.out(`Tree Blobs:  ${n(summary.treeBlobs)} new`);
  }
  ctx.out(`${dryRun ? 'Would add to the repository' : 'Added to the repository'}: ${formatBytes(summary.dataAdded).padEnd(5)} (${formatBytes(summary.dataAddedPacked).padEnd(5)} stored)`);
  ctx.out('');
  ctx.out(`processed ${summary.totalFilesProcessed} files, ${formatBytes(summary.totalBytesProcessed)} in ${formatDuration(durationMs)}`);
  if (!dryRun) ctx.out(summary.snapshotId === undefined ? 'skipped creating snapshot' : `snapshot ${shortId(summary.snapshotId)} saved`);
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
  if (ctx.quiet) return;
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
  usage: 'lockstep snapshots [--host HOST] [--tag TAG[,TAG…]] [--path PATH] [--latest N] [--group-by host,paths,tags] [--compact] [ID|latest…]',
  flags: { compact: { kind: 'bool', short: 'c' } },
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
      const size = (e: SnapshotEntry): string => {
        const bytes = snapshotSize(e.snapshot);
        return bytes === undefined ? '' : formatBytes(bytes);
      };
      // --compact leaves out the paths and the size, as restic's does.
      const compact = flagBool(ctx.args, 'compact');
      const rows = g.entries.map((e) => [shortId(e.id), formatLocalTime(e.snapshot.time), e.snapshot.hostname ?? '', (e.snapshot.tags ?? []).join(','), e.snapshot.paths.join(', '), size(e)]);
      ctx.out(table(['ID', 'Time', 'Host', 'Tags', 'Paths', 'Size'].slice(0, compact ? 4 : 6), compact ? rows.map((r) => r.slice(0, 4)) : rows));
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
      if (ctx.json) ctx.out(JSON.stringify({ ...snapshotJson(id, snapshot), message_type: 'snapshot', struct_type: 'snapshot' }));
      else ctx.out(`snapshot ${shortId(id)} of [${snapshot.paths.join(' ')}] at ${snapshot.time}${snapshot.username || snapshot.hostname ? ` by ${snapshot.username ?? ''}@${snapshot.hostname ?? ''}` : ''}:`);
    },
    onNode: (p, node) => {
      if (ctx.json) ctx.out(JSON.stringify(nodeJson(node, p)));
      else if (flagBool(ctx.args, 'long')) ctx.out(longListingLine(node, p));
      else ctx.out(p);
    },
  }),
  render: () => ExitCode.ok,
});

/** A snapshot's time as restic prints a Go time.Time: "2026-12-04 13:23:42.128314179 +0000 UTC". */
function goTimeString(time: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T([\d:.]+)(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return time;
  const zone = m[3] === 'Z' ? '+0000 UTC' : `${m[3].replace(':', '')} ${m[3].replace(':', '')}`;
  return `${m[1]} ${m[2]} ${zone}`;
}

/** A live status line on a terminal for an operation's progress, cleared as the work ends (see cli/progress.ts). */
function statusLineReport(ctx: CommandContext, unit: ProgressUnit): Pick<NonNullable<Session['report']>, 'progress'> {
  if (!StatusLine.wanted(ctx.terminal, ctx.quiet, ctx.json)) return {};
  const line = new StatusLine(ctx.terminal, unit);
  return { progress: (p) => (p.final ? line.clear() : line.update(p)) };
}

const restoreCommand = command(restoreOperation, {
  summary: 'Extract the data from a snapshot',
  usage: 'lockstep restore SNAPSHOT[:PATH] --target DIR [--include P] [--exclude P] [--iinclude P] [--iexclude P] [--dry-run] [--verify]',
  input: (ctx) => ({
    onSnapshot: ({ id, snapshot: s }) => {
      if (!ctx.json && !ctx.quiet) {
        ctx.out(`restoring snapshot ${shortId(id)} of [${s.paths.join(' ')}] at ${goTimeString(s.time)} by ${s.username ?? ''}@${s.hostname ?? ''} to ${flagString(ctx.args, 'target') ?? ''}`);
      }
    },
  }),
  report: (ctx) => ({
    ...statusLineReport(ctx, 'files/dirs'),
    warn: (where, message) => ctx.err(ctx.json ? JSON.stringify({ message_type: 'error', error: { message }, during: 'restore', item: where }) : `ignoring error for ${where}: ${message}`),
  }),
  render(ctx, summary) {
    const elapsed = summary.elapsedMs;
    if (StatusLine.wanted(ctx.terminal, ctx.quiet, ctx.json)) ctx.terminal.write(CLEAR_BELOW);
    // restic lists what a --dry-run would restore at -vv; -v here too.
    if (summary.wouldRestore && ctx.verbose > 0) {
      for (const e of summary.wouldRestore) {
        if (ctx.json) ctx.out(JSON.stringify({ message_type: 'verbose_status', action: 'restored', item: e.path, size: e.size }));
        else ctx.out(e.type === 'file' ? `restored  ${e.path} with size ${formatBytes(e.size)}` : `restored  ${e.path}`);
      }
    }
    const complete = summary.entriesRestored === summary.entriesSelected && summary.bytesRestored === summary.bytesSelected;
    if (ctx.json) {
      ctx.out(JSON.stringify(restoreSummaryJson(summary, elapsed)));
    } else if (!ctx.quiet) {
      ctx.out(
        complete
          ? `Summary: Restored ${summary.entriesSelected} files/dirs (${formatBytes(summary.bytesSelected)}) in ${formatDuration(elapsed)}`
          : `Summary: Restored ${summary.entriesRestored} / ${summary.entriesSelected} files/dirs (${formatBytes(summary.bytesRestored)} / ${formatBytes(summary.bytesSelected)}) in ${formatDuration(elapsed)}`,
      );
    }
    for (const error of summary.verifyErrors ?? []) ctx.err(ctx.json ? JSON.stringify({ message_type: 'error', error: { message: error }, during: 'verify' }) : `error: ${error}`);
    if (summary.filesVerified !== undefined && !ctx.json && !ctx.quiet) {
      ctx.out(`verifying files in ${flagString(ctx.args, 'target') ?? ''}`);
      ctx.out(`finished verifying ${summary.filesVerified} files in ${flagString(ctx.args, 'target') ?? ''} (took ${formatGoDuration(summary.verifyMs ?? 0)})`);
    }
    if (summary.verifyErrors?.length) throw new LockstepError(`There were ${summary.verifyErrors.length} errors`);
    return summary.warnings.length > 0 ? ExitCode.fatal : ExitCode.ok;
  },
});

/** Writes to stdout, waiting while its buffer is full (a folder's tar can be far larger than memory). */
async function writeStdout(chunk: Buffer): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

const dumpCommand = command(dumpOperation, {
  summary: 'Print a file of a snapshot to stdout (a folder as a tar archive)',
  usage: 'lockstep dump [--archive tar|zip] SNAPSHOT[:PATH] FILE',
  input: () => ({ write: writeStdout }),
  render: () => ExitCode.ok,
});

function diffSideJson(side: DiffSide): Record<string, number> {
  return { files: side.files, dirs: side.dirs, others: side.others, data_blobs: side.dataBlobs, tree_blobs: side.treeBlobs, bytes: side.bytes };
}

const diffCommand = command(diffOperation, {
  summary: 'Show differences between two snapshots',
  usage: 'lockstep diff [--metadata] SNAPSHOT-ID[:PATH] SNAPSHOT-ID[:PATH]',
  input: (ctx) => ({
    onStart: (from, to) => {
      if (ctx.json) return;
      ctx.out(`comparing snapshot ${shortId(from.id)} to ${shortId(to.id)}:`);
      ctx.out('');
    },
    onChange: (p, modifier) => ctx.out(ctx.json ? JSON.stringify({ message_type: 'change', path: p, modifier }) : `${modifier.padEnd(5)}${p}`),
  }),
  render(ctx, s) {
    if (ctx.json) {
      ctx.out(JSON.stringify({ message_type: 'statistics', source_snapshot: s.fromRef, target_snapshot: s.toRef, changed_files: s.changedFiles, added: diffSideJson(s.added), removed: diffSideJson(s.removed) }));
      return ExitCode.ok;
    }
    const row = (label: string, added: number, removed: number): string => `${label.padEnd(13)}${String(added).padStart(5)} new, ${String(removed).padStart(5)} removed`;
    ctx.out('');
    ctx.out(`${row('Files:', s.added.files, s.removed.files)}, ${String(s.changedFiles).padStart(5)} changed`);
    ctx.out(row('Dirs:', s.added.dirs, s.removed.dirs));
    ctx.out(row('Others:', s.added.others, s.removed.others));
    ctx.out(row('Data Blobs:', s.added.dataBlobs, s.removed.dataBlobs));
    ctx.out(row('Tree Blobs:', s.added.treeBlobs, s.removed.treeBlobs));
    ctx.out(`  Added:   ${formatBytes(s.added.bytes).padEnd(5)}`);
    ctx.out(`  Removed: ${formatBytes(s.removed.bytes).padEnd(5)}`);
    return ExitCode.ok;
  },
});

/** A node as restic's find --json shows it. */
function findNodeJson(p: string, node: TreeNode): Record<string, unknown> {
  return {
    path: p,
    permissions: formatGoMode(node.mode ?? 0),
    type: node.type,
    mode: node.mode,
    mtime: node.mtime,
    atime: node.atime,
    ctime: node.ctime,
    uid: node.uid,
    gid: node.gid,
    user: node.user || undefined,
    group: node.group || undefined,
    inode: node.inode !== undefined ? Number(node.inode) : undefined,
    device_id: node.deviceId !== undefined ? Number(node.deviceId) : undefined,
    size: node.size ? Number(node.size) : undefined,
    links: node.links ? Number(node.links) : undefined,
    linktarget: node.linktarget?.toString() || undefined,
  };
}

/** restic's long listing line (ls -l, find -l): mode, uid, gid, size, time, path and a link's target. */
function longLine(p: string, node: TreeNode): string {
  const link = node.type === 'symlink' ? ` -> ${node.linktarget?.toString() ?? ''}` : '';
  return `${formatGoMode(node.mode ?? 0)} ${String(node.uid).padStart(5)} ${String(node.gid).padStart(5)} ${String(node.size ?? 0).padStart(6)} ${formatLocalTime(node.mtime)} ${p}${link}`;
}

const findCommand = command(findOperation, {
  summary: 'Find a file, a folder or restic IDs',
  usage: 'lockstep find [--snapshot ID…] [--host H] [--tag T] [--path P] [-i] [-l] PATTERN…',
  flags: { long: { kind: 'bool', short: 'l' } },
  input: (ctx) => {
    let blocks = 0;
    return {
      onSnapshot: (entry, hits) => {
        if (ctx.json) return;
        if (blocks++ > 0) ctx.out('');
        ctx.out(`Found matching entries in snapshot ${shortId(entry.id)} from ${formatLocalTime(entry.snapshot.time)}`);
        for (const h of hits) ctx.out(flagBool(ctx.args, 'long') ? longLine(h.path, h.node) : h.path);
      },
    };
  },
  render(ctx, outcome) {
    for (const line of outcome.ignored) ctx.err(line);
    if (ctx.json) ctx.out(JSON.stringify(outcome.matches.map((m) => ({ matches: m.hits.map((h) => findNodeJson(h.path, h.node)), hits: m.hits.length, snapshot: m.entry.id }))));
    return ExitCode.ok;
  },
});

const statsCommand = command(statsOperation, {
  summary: 'Scan the repository and show basic statistics',
  usage: 'lockstep stats [--mode restore-size|files-by-contents|raw-data] [--host H] [--tag T] [--path P] [SNAPSHOT…]',
  report: (ctx) => ({ begin: () => (ctx.json || ctx.quiet ? undefined : ctx.out('scanning...')) }),
  render(ctx, s) {
    for (const line of s.ignored) ctx.err(line);
    const raw = s.mode === 'raw-data';
    const c = s.compression;
    if (ctx.json) {
      ctx.out(
        JSON.stringify({
          total_size: s.totalSize,
          total_uncompressed_size: raw ? s.totalUncompressedSize || undefined : undefined,
          compression_ratio: c?.ratio,
          compression_progress: c?.progress,
          compression_space_saving: c?.spaceSaving,
          total_file_count: s.totalFileCount || undefined,
          total_blob_count: s.totalBlobCount || undefined,
          snapshots_count: s.snapshotsCount,
        }),
      );
      return ExitCode.ok;
    }
    const row = (label: string, value: string): void => ctx.out(`${label.padStart(24)}:  ${value}`);
    ctx.out(`Stats in ${s.mode} mode:`);
    row('Snapshots processed', String(s.snapshotsCount));
    if (raw) {
      row('Total Blob Count', String(s.totalBlobCount));
      row('Total Uncompressed Size', formatBytes(s.totalUncompressedSize));
    } else if (s.totalFileCount > 0) row('Total File Count', String(s.totalFileCount));
    row('Total Size', formatBytes(s.totalSize).padEnd(5));
    if (c) {
      row('Compression Progress', `${c.progress.toFixed(2)}%`);
      row('Compression Ratio', `${c.ratio.toFixed(2)}x`);
      row('Compression Space Saving', `${c.spaceSaving.toFixed(2)}%`);
    }
    return ExitCode.ok;
  },
});

const tagCommand = command(tagOperation, {
  summary: 'Modify tags on snapshots (exclusive lock)',
  usage: 'lockstep tag [--add T] [--remove T] [--set T] [--host H] [--tag T] [--path P] [SNAPSHOT…]',
  input: (ctx) => ({
    onChanged: (old, now) => {
      if (ctx.json) ctx.out(JSON.stringify({ message_type: 'changed', old_snapshot_id: old, new_snapshot_id: now }));
    },
  }),
  render(ctx, outcome) {
    for (const line of outcome.ignored) ctx.err(line);
    if (ctx.json) ctx.out(JSON.stringify({ message_type: 'summary', changed_snapshots: outcome.changed.length }));
    else if (outcome.changed.length === 0) ctx.out('no snapshots were modified');
    else ctx.out(`modified ${outcome.changed.length} snapshots`);
    return ExitCode.ok;
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
  report: (ctx) => ({ step: ctx.json || ctx.quiet ? undefined : (s) => ctx.out(s), ...statusLineReport(ctx, 'packs') }),
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
  report: (ctx) => ({ step: ctx.json ? undefined : (s) => ctx.out(s), ...statusLineReport(ctx, 'packs') }),
  render(ctx, result) {
    if (ctx.json) {
      for (const error of result.errors) ctx.out(JSON.stringify({ message_type: 'error', message: error }));
      ctx.out(JSON.stringify(checkSummaryJson(result)));
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
  dump: dumpCommand,
  diff: diffCommand,
  find: findCommand,
  stats: statsCommand,
  tag: tagCommand,
  forget: forgetCommand,
  prune: pruneCommand,
  check: checkCommand,
  unlock: unlockCommand,
  locks: locksCommand,
  key,
  version,
};
