// `lockstep help [COMMAND]` and `COMMAND --help`, laid out as restic's help is: the summary, the usage line, then
// every flag of the command and the global flags, each with its description and default.
import { FlagSpec, FlagSpecs } from './args';

export interface HelpTopic {
  summary: string;
  usage: string;
  flags: FlagSpecs;
}

/**
 * Descriptions of the flags whose specs carry none (the command line's own flags, and options of the catalogue
 * declared without one). A flag's own `description`/`default` wins.
 */
const FLAG_HELP: Record<string, { description: string; default?: string }> = {
  repo: { description: 'repository to back up to or restore from', default: '$RESTIC_REPOSITORY' },
  'repository-file': { description: 'file to read the repository location from', default: '$RESTIC_REPOSITORY_FILE' },
  'password-file': { description: 'file to read the repository password from', default: '$RESTIC_PASSWORD_FILE' },
  'password-command': { description: 'shell command to obtain the repository password from', default: '$RESTIC_PASSWORD_COMMAND' },
  json: { description: 'set output mode to JSON for commands that support it' },
  quiet: { description: 'do not output comprehensive progress report' },
  verbose: { description: 'be verbose (specify multiple times or a level using --verbose=n, max level/times is 2)' },
  'no-cache': { description: 'do not use a local cache' },
  'cache-dir': { description: 'set the cache directory', default: '$RESTIC_CACHE_DIR, else the system cache directory' },
  help: { description: 'help for this command' },
  'retry-lock': { description: 'retry to lock the repository if it is already locked, takes a value like 5m or 2h', default: 'no retries' },
  'no-lock': { description: 'do not lock the repository (commands that only read)' },
  // backup
  tag: { description: 'add tags for the new snapshot, or only consider snapshots with this tag[,tag,...] (can be specified multiple times)' },
  host: { description: 'set the hostname for the snapshot, or only consider snapshots of this host (can be specified multiple times)', default: '$RESTIC_HOST' },
  exclude: { description: 'exclude a pattern (can be specified multiple times)' },
  parent: { description: 'use this parent snapshot', default: 'latest snapshot of the same host and paths' },
  force: { description: 'read every file again, even one the parent snapshot shows unchanged' },
  compression: { description: 'compression mode, one of (auto|off|max)', default: '$RESTIC_COMPRESSION, else auto' },
  stdin: { description: 'read the file to back up from standard input' },
  'stdin-filename': { description: 'the file name to store the standard input as', default: 'stdin' },
  // snapshots, forget
  path: { description: 'only consider snapshots including this (absolute) path (can be specified multiple times)' },
  latest: { description: 'only show the last n snapshots for each host and path' },
  'group-by': { description: 'group snapshots by host, paths and/or tags, separated by comma' },
  'keep-last': { description: 'keep the last n snapshots (use "unlimited" to keep all snapshots)' },
  'keep-hourly': { description: 'keep the last n hourly snapshots (use "unlimited" to keep all hourly snapshots)' },
  'keep-daily': { description: 'keep the last n daily snapshots (use "unlimited" to keep all daily snapshots)' },
  'keep-weekly': { description: 'keep the last n weekly snapshots (use "unlimited" to keep all weekly snapshots)' },
  'keep-monthly': { description: 'keep the last n monthly snapshots (use "unlimited" to keep all monthly snapshots)' },
  'keep-yearly': { description: 'keep the last n yearly snapshots (use "unlimited" to keep all yearly snapshots)' },
  'keep-within': { description: 'keep snapshots that are newer than duration (eg. 1y5m7d2h) relative to the latest snapshot' },
  'keep-within-hourly': { description: 'keep hourly snapshots that are newer than duration (eg. 1y5m7d2h) relative to the latest snapshot' },
  'keep-within-daily': { description: 'keep daily snapshots that are newer than duration (eg. 1y5m7d2h) relative to the latest snapshot' },
  'keep-within-weekly': { description: 'keep weekly snapshots that are newer than duration (eg. 1y5m7d2h) relative to the latest snapshot' },
  'keep-within-monthly': { description: 'keep monthly snapshots that are newer than duration (eg. 1y5m7d2h) relative to the latest snapshot' },
  'keep-within-yearly': { description: 'keep yearly snapshots that are newer than duration (eg. 1y5m7d2h) relative to the latest snapshot' },
  'keep-tag': { description: 'keep snapshots with this tag[,tag,...] (can be specified multiple times)' },
  'dry-run': { description: 'do not change the repository, just show what would be done' },
  prune: { description: 'automatically run the prune command if snapshots have been removed' },
  'max-unused': { description: 'tolerate this much unused data: a size, a percentage of the repository, or "unlimited"', default: '5%' },
  // others
  target: { description: 'directory to extract data to' },
  long: { description: 'use a long listing format showing size and mode' },
  'read-data': { description: 'read all data blobs' },
  'remove-all': { description: 'remove all locks, even non-stale ones' },
  'repository-version': { description: 'repository format version to use, one of (1|2|stable|latest)', default: 'latest' },
  compact: { description: 'use compact output format' },
  'exclude-file': { description: 'read exclude patterns from a file (can be specified multiple times)' },
  'iexclude-file': { description: 'same as --exclude-file but ignores casing of filenames in patterns' },
  'exclude-caches': { description: 'excludes cache directories that are marked with a CACHEDIR.TAG file' },
  'exclude-if-present': { description: 'takes filename[:header], exclude contents of directories containing filename (except filename itself) if header of that file is as provided (can be specified multiple times)' },
  'exclude-larger-than': { description: 'max size of the files to be backed up (allowed suffixes: k/K, m/M, g/G, t/T)' },
  'skip-if-unchanged': { description: 'skip snapshot creation if identical to parent snapshot' },
  'one-file-system': { description: 'exclude other file systems, don\'t cross filesystem boundaries and subvolumes' },
  'files-from': { description: 'read the files to backup from file (can be combined with file args; can be specified multiple times)' },
  'files-from-raw': { description: 'read the files to backup from file (can be combined with file args; can be specified multiple times), NUL-separated' },
  'new-password-file': { description: 'file from which to read the new password' },
  user: { description: 'the username for new key', default: 'the current user' },
  include: { description: 'include a pattern (can be specified multiple times)' },
  iinclude: { description: 'same as --include pattern but ignores the casing of filenames' },
  iexclude: { description: 'same as --exclude pattern but ignores the casing of filenames' },
  verify: { description: 'verify restored files content' },
  archive: { description: 'set archive format as "tar" or "zip"', default: 'tar' },
  metadata: { description: 'print changes in metadata' },
  snapshot: { description: 'snapshot id to search in (can be given multiple times)' },
  'ignore-case': { description: 'ignore case for pattern' },
  mode: { description: 'counting mode: restore-size, files-by-contents or raw-data', default: 'restore-size' },
  add: { description: 'tags which will be added to the existing tags in the format tag[,tag,...] (can be given multiple times)' },
  remove: { description: 'tags which will be removed from the existing tags in the format tag[,tag,...] (can be given multiple times)' },
  set: { description: 'tags which will replace the existing tags in the format tag[,tag,...] (can be given multiple times)' },
};

function flagLeft(name: string, spec: FlagSpec): string {
  const value = spec.kind === 'string' || spec.kind === 'list' ? ' value' : '';
  return `${spec.short ? `-${spec.short}, ` : '    '}--${name}${value}`;
}

export function flagHelp(name: string, spec: FlagSpec): { description: string; default?: string } {
  const known = FLAG_HELP[name];
  return { description: spec.description ?? known?.description ?? '', default: spec.default ?? known?.default };
}

function flagLines(flags: FlagSpecs): string[] {
  const entries = Object.entries(flags).sort(([a], [b]) => a.localeCompare(b));
  const lefts = entries.map(([name, spec]) => flagLeft(name, spec));
  const width = Math.max(0, ...lefts.map((l) => l.length)) + 3;
  return entries.map(([name, spec], i) => {
    const help = flagHelp(name, spec);
    return `  ${lefts[i].padEnd(width)}${help.description}${help.default ? ` (default: ${help.default})` : ''}`.trimEnd();
  });
}

export function helpText(commands: Record<string, HelpTopic>, globals: FlagSpecs, topic?: string): string {
  const command = topic ? commands[topic] : undefined;
  if (command) {
    const own = Object.fromEntries(Object.entries(command.flags).filter(([name]) => !globals[name]));
    return [command.summary, '', 'Usage:', `  ${command.usage}`, '', 'Flags:', ...flagLines({ ...own, help: globals.help }), '', 'Global Flags:', ...flagLines(Object.fromEntries(Object.entries(globals).filter(([name]) => name !== 'help'))), ''].join('\n');
  }
  const width = Math.max(...Object.keys(commands).map((n) => n.length)) + 4;
  return [
    'Lockstep makes encrypted, deduplicated, restic-compatible backups with strict locks.',
    '',
    'Usage:',
    '  lockstep [command]',
    '',
    'Available Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}Help about any command`,
    '',
    'Flags:',
    ...flagLines(globals),
    '',
    'Exit codes: 0 ok, 1 fatal, 3 some files unreadable, 10 no repository, 11 lock failed, 12 wrong password, 130 interrupted',
    '',
    'Use "lockstep [command] --help" for more information about a command.',
    '',
  ].join('\n');
}
