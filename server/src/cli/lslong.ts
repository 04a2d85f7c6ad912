// `ls -l`'s line as restic prints it: the mode as Go spells a FileMode, owner, group, size, modification time, the
// path, and " -> target" for a symbolic link.
import { GoFileMode, TreeNode } from '../repo/format/tree';
import { formatLocalTime } from './format';

/** Go's FileMode type letters, in the order its String method writes them (see the fs.FileMode documentation). */
const TYPE_LETTERS: [number, string][] = [
  [GoFileMode.Dir, 'd'],
  [GoFileMode.Append, 'a'],
  [GoFileMode.Exclusive, 'l'],
  [GoFileMode.Temporary, 'T'],
  [GoFileMode.Symlink, 'L'],
  [GoFileMode.Device, 'D'],
  [GoFileMode.NamedPipe, 'p'],
  [GoFileMode.Socket, 'S'],
  [GoFileMode.Setuid, 'u'],
  [GoFileMode.Setgid, 'g'],
  [GoFileMode.CharDevice, 'c'],
  [GoFileMode.Sticky, 't'],
  [GoFileMode.Irregular, '?'],
];

/** `drwxr-xr-x`, `-rw-r--r--`, `Lrwxrwxrwx`: the type letters set (or `-`), then rwx for owner, group and others. */
export function goModeString(mode: number): string {
  const letters = TYPE_LETTERS.filter(([bit]) => (mode & bit) >>> 0 !== 0).map(([, letter]) => letter).join('');
  const perm = [...'rwxrwxrwx'].map((c, i) => ((mode >>> (8 - i)) & 1 ? c : '-')).join('');
  return `${letters || '-'}${perm}`;
}

export function longListingLine(node: TreeNode, displayPath: string): string {
  const target = node.type === 'symlink' && node.linktarget ? ` -> ${node.linktarget.toString()}` : '';
  const size = node.type === 'file' ? Number(node.size ?? 0) : 0;
  return `${goModeString(node.mode ?? 0)} ${String(node.uid ?? 0).padStart(5)} ${String(node.gid ?? 0).padStart(5)} ${String(size).padStart(6)} ${formatLocalTime(node.mtime)} ${displayPath}${target}`;
}
