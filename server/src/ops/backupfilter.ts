// What backup leaves out, as restic 0.18's backup filters decide: --exclude and --iexclude patterns (also read from
// --exclude-file / --iexclude-file), --exclude-larger-than, and folders tagged by --exclude-if-present FILE[:HEADER]
// or --exclude-caches (a CACHEDIR.TAG with its signature): of a tagged folder only the folder and its tag file are kept;
// with --one-file-system, a folder on another file system than the backup paths' (a mount point) is kept empty.
import { closeSync, lstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { LockstepError } from '../base/errors';
import { ExcludeMatcher } from './exclude';

export interface BackupFilterOptions {
  excludes?: string[];
  iexcludes?: string[];
  excludeFiles?: string[];
  iexcludeFiles?: string[];
  excludeCaches?: boolean;
  excludeIfPresent?: string[];
  excludeLargerThan?: string;
  oneFileSystem?: boolean;
}

/** Only the filter's options of `options` (which may hold functions and signals that cannot go to another thread). */
export function filterOptionsOf(options: BackupFilterOptions): BackupFilterOptions {
  const { excludes, iexcludes, excludeFiles, iexcludeFiles, excludeCaches, excludeIfPresent, excludeLargerThan, oneFileSystem } = options;
  return { excludes, iexcludes, excludeFiles, iexcludeFiles, excludeCaches, excludeIfPresent, excludeLargerThan, oneFileSystem };
}

/** The Cache Directory Tagging Specification's signature, which a CACHEDIR.TAG starts with. */
const CACHEDIR_TAG = { name: 'CACHEDIR.TAG', header: 'Signature: 8a477f597d28d172789f06886806bc55' };

interface Tag {
  name: string;
  header?: string;
}

export class BackupFilter {
  private readonly matcher: ExcludeMatcher;
  private readonly caseless: ExcludeMatcher;
  private readonly tags: Tag[];
  private readonly maxSize?: bigint;
  private readonly oneFileSystem: boolean;
  /** With --one-file-system: the devices of the backup paths, whose folders are walked. */
  private devices: ReadonlySet<number> | undefined;

  constructor(options: BackupFilterOptions, env: NodeJS.ProcessEnv = process.env) {
    this.matcher = new ExcludeMatcher([...(options.excludes ?? []), ...(options.excludeFiles ?? []).flatMap((f) => readPatternFile(f, env))]);
    const caseless = [...(options.iexcludes ?? []), ...(options.iexcludeFiles ?? []).flatMap((f) => readPatternFile(f, env))];
    this.caseless = new ExcludeMatcher(caseless.map((p) => p.toLowerCase()));
    this.tags = (options.excludeIfPresent ?? []).map(parseTag);
    if (options.excludeCaches) this.tags.push(CACHEDIR_TAG);
    this.maxSize = options.excludeLargerThan === undefined ? undefined : parseSize(options.excludeLargerThan, '--exclude-larger-than');
    this.oneFileSystem = options.oneFileSystem === true;
  }

  /** The backup paths (absolute, existing): with --one-file-system, the file systems they are on are the ones walked. */
  walkFileSystemsOf(paths: readonly string[]): void {
    if (this.oneFileSystem) this.devices = new Set(paths.map((p) => lstatSync(p).dev));
  }

  /** `absolutePath` uses `/` separators. */
  excludesPath(absolutePath: string): boolean {
    return this.matcher.excludes(absolutePath) || (!this.caseless.isEmpty && this.caseless.excludes(absolutePath.toLowerCase()));
  }

  /** A file bigger than --exclude-larger-than. */
  excludesSize(size: bigint): boolean {
    return this.maxSize !== undefined && size > this.maxSize;
  }

  /**
   * The entries of the folder `dir` to back up: all of them; none when it is on another file system than the
   * backup paths (--one-file-system); only the tag files when it holds one (with the header asked for). `warn`
   * hears of a tag file whose header is not the one asked for.
   */
  keptEntries(dir: string, names: Buffer[], warn: (item: string, message: string) => void): Buffer[] {
    if (this.devices && !this.devices.has(lstatSync(dir).dev)) return [];
    if (this.tags.length === 0) return names;
    const present = new Set(names.map((n) => n.toString()));
    const found = this.tags.filter((tag) => present.has(tag.name) && hasHeader(`${dir === '/' ? '' : dir}/${tag.name}`, tag.header, warn));
    if (found.length === 0) return names;
    return names.filter((n) => found.some((tag) => tag.name === n.toString()));
  }
}

function parseTag(text: string): Tag {
  const colon = text.indexOf(':');
  const tag = colon < 0 ? { name: text } : { name: text.slice(0, colon), header: text.slice(colon + 1) };
  if (tag.name === '' || tag.name.includes('/')) throw new LockstepError(`invalid --exclude-if-present "${text}": give a file name, optionally followed by :HEADER`);
  return tag;
}

function hasHeader(file: string, header: string | undefined, warn: (item: string, message: string) => void): boolean {
  if (header === undefined || header === '') return true;
  const want = Buffer.from(header);
  const got = Buffer.alloc(want.length);
  let read = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      read = readSync(fd, got, 0, got.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    warn(file, `cannot read the exclusion tag file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return false;
  }
  if (read === want.length && got.equals(want)) return true;
  warn(file, `invalid signature in exclusion tagfile "${file}"`);
  return false;
}

/**
 * The patterns of an --exclude-file: one a line, surrounding white space ignored, blank lines and lines starting
 * with "#" skipped, $NAME and ${NAME} replaced by the environment's values.
 */
export function readPatternFile(file: string, env: NodeJS.ProcessEnv): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LockstepError(`cannot read the pattern file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/\$\{([^}]*)\}|\$([A-Za-z0-9_]+)/g, (_m, braced: string | undefined, bare: string | undefined) => env[braced ?? bare ?? ''] ?? ''));
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** restic's sizes: a whole number with an optional unit k, m, g or t (1024-based). */
export function parseSize(text: string, flag: string): bigint {
  const m = /^(\d+)([bkmgt]?)$/i.exec(text.trim());
  if (!m) throw new LockstepError(`invalid ${flag} "${text}": use a whole number with an optional unit k, m, g or t`);
  return BigInt(m[1]) * BigInt(SIZE_UNITS[m[2].toLowerCase()]);
}

/**
 * The targets --files-from (one a line; blank lines and lines starting with "#" skipped) and --files-from-raw
 * (separated by NUL bytes, taken as they are) name. Globs in --files-from lines are not expanded.
 */
export function listedTargets(options: { filesFrom?: string[]; filesFromRaw?: string[] }): string[] {
  const read = (file: string): string => {
    try {
      return readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      throw new LockstepError(`cannot read the list of files ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const lines = (options.filesFrom ?? []).flatMap((file) =>
    read(file)
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('#')),
  );
  const raw = (options.filesFromRaw ?? []).flatMap((file) => read(file).split('\0').filter((name) => name !== ''));
  return [...lines, ...raw];
}
