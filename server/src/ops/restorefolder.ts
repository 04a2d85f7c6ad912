// A folder a restore writes into, held open from the moment it is entered until everything in it is written. Each
// folder is opened from its parent's descriptor with O_NOFOLLOW | O_DIRECTORY, so it is a real folder inside the
// target whatever the tree or the target held at that name (a link is replaced, never followed). Its entries are
// then reached through its descriptor: Node has no openat(), but on Linux /proc/<pid>/fd/<fd>/<name> is resolved
// from the open folder itself, not from its path, so no link planted above it (by the tree, by the target, or by
// this restore's own later entries) can redirect a write. Where the system has no such folder, entries are reached
// by path; the restore's order (each name once per folder, a folder's links made before its subfolders are opened)
// then keeps every folder it opened where it was. One open, and one fstat, per folder: nothing per file.
import { closeSync, constants as C, fstatSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { TreeNode } from '../repo/format/tree';
import { isFsError } from './backup';

const OPEN_FOLDER = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW;
const SLASH = Buffer.from('/');

export class RestoredFolder {
  /** Uses: its own walk, each entry being written, each subfolder not yet complete. */
  private users = 1;
  /** What its entries' paths start with: its descriptor's folder in /proc, or its path. */
  private readonly prefix: Buffer;

  private constructor(
    readonly fd: number,
    /** Its real path: for messages, and for hard links to files in it (made once it may be closed). */
    readonly path: Buffer,
    /** Whether its entries are reached through its descriptor (else through its path). */
    private readonly throughDescriptor: boolean,
    readonly parent: RestoredFolder | undefined,
    /** Whether this restore made it: there is nothing in it to replace. */
    readonly fresh: boolean,
    /** The snapshot's node for it, whose metadata it gets once complete (none for the target). */
    readonly node: TreeNode | undefined,
  ) {
    this.prefix = throughDescriptor ? descriptorPrefix(fd) : Buffer.concat([path, SLASH]);
  }

  /** The restore's target (an existing folder, which may be reached through links: the user named it). */
  static openTarget(target: string, fresh: boolean): RestoredFolder {
    const fd = openSync(target, C.O_RDONLY | C.O_DIRECTORY);
    return new RestoredFolder(fd, Buffer.from(target), descriptorsResolve(fd), undefined, fresh, undefined);
  }

  /** The path that reaches the entry `name` of this folder. */
  entry(name: Buffer): Buffer {
    return Buffer.concat([this.prefix, name]);
  }

  /** The entry's real path, as messages show it. */
  shown(name: Buffer): Buffer {
    return Buffer.concat([this.path, SLASH, name]);
  }

  /**
   * Opens the subfolder `name`, made if missing; anything else of that name (a file, a link) is removed first, never
   * followed. The subfolder holds a use of this folder until it is complete.
   */
  openChild(name: Buffer, node: TreeNode): RestoredFolder {
    const at = this.entry(name);
    let created = this.fresh && makeFolder(at);
    let fd = created ? undefined : openExisting(at);
    if (fd === undefined && !created) {
      rmSync(at, { recursive: true, force: true });
      mkdirSync(at, { mode: 0o700 });
      created = true;
    }
    fd ??= openSync(at, OPEN_FOLDER);
    this.users++;
    return new RestoredFolder(fd, this.shown(name), this.throughDescriptor, this, created, node);
  }

  retain(): void {
    this.users++;
  }

  /** Gives up a use; true once there are none left (the folder is complete: set its metadata, then close it). */
  release(): boolean {
    return --this.users === 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** mkdir; false if something has the name already (a target that held it, or a tree that names it twice). */
function makeFolder(at: Buffer): boolean {
  try {
    mkdirSync(at, { mode: 0o700 });
    return true;
  } catch (err) {
    if (isFsError(err) && err.code === 'EEXIST') return false;
    throw err;
  }
}

/** The folder already at `at`, opened; undefined if there is none, or something else (a link, a file) is there. */
function openExisting(at: Buffer): number | undefined {
  try {
    return openSync(at, OPEN_FOLDER);
  } catch (err) {
    if (isFsError(err) && (err.code === 'ENOENT' || err.code === 'ELOOP' || err.code === 'ENOTDIR')) return undefined;
    throw err;
  }
}

function descriptorPrefix(fd: number): Buffer {
  return Buffer.from(`/proc/${process.pid}/fd/${fd}/`);
}

/** Whether this system resolves /proc/<pid>/fd/<fd>/ to the folder open as `fd` (Linux with /proc mounted). */
function descriptorsResolve(fd: number): boolean {
  try {
    const open = fstatSync(fd);
    const seen = statSync(descriptorPrefix(fd));
    return seen.ino === open.ino && seen.dev === open.dev;
  } catch {
    return false;
  }
}
