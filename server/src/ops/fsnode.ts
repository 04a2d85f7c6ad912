import { constants, type BigIntStats } from 'node:fs';
import { formatGoTime } from '../repo/format/gotime';
import { goModeFromStat, NodeType, TreeNode } from '../repo/format/tree';
import { groupName, userName } from './owners';

/** What a backup records of lstat's answer (a BigIntStats is one). */
export const ENTRY_STAT_FIELDS = ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'atimeNs', 'mtimeNs', 'ctimeNs'] as const;
export type EntryStat = Pick<BigIntStats, (typeof ENTRY_STAT_FIELDS)[number]>;

const TYPES: ReadonlyMap<number, NodeType> = new Map([
  [constants.S_IFREG, 'file'],
  [constants.S_IFDIR, 'dir'],
  [constants.S_IFLNK, 'symlink'],
  [constants.S_IFIFO, 'fifo'],
  [constants.S_IFSOCK, 'socket'],
  [constants.S_IFCHR, 'chardev'],
  [constants.S_IFBLK, 'dev'],
]);

export function nodeTypeOf(st: Pick<EntryStat, 'mode'>): NodeType | undefined {
  return TYPES.get(Number(st.mode) & constants.S_IFMT);
}

/** A tree node with the metadata restic records for this kind of file; content/subtree are filled in later. */
export function nodeFromStat(name: Buffer, type: NodeType, st: EntryStat): TreeNode {
  const uid = Number(st.uid);
  const gid = Number(st.gid);
  const node: TreeNode = {
    name,
    type,
    mode: goModeFromStat(Number(st.mode)),
    mtime: formatGoTime(st.mtimeNs),
    atime: formatGoTime(st.atimeNs),
    ctime: formatGoTime(st.ctimeNs),
    uid,
    gid,
    user: userName(uid),
    group: groupName(gid),
    inode: st.ino,
    deviceId: st.dev,
    content: null,
  };
  if (type === 'file') {
    if (st.size > 0n) node.size = st.size;
    node.links = st.nlink;
    node.content = [];
  } else if (type === 'symlink' || type === 'dev' || type === 'chardev') {
    // restic records links for files, symlinks and devices only (not fifos or sockets).
    node.links = st.nlink;
    if (type !== 'symlink') node.device = st.rdev;
  }
  return node;
}
