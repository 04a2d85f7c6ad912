import type { BigIntStats } from 'node:fs';
import { formatGoTime } from '../repo/format/gotime';
import { goModeFromStat, NodeType, TreeNode } from '../repo/format/tree';
import { groupName, userName } from './owners';

export function nodeTypeOf(st: BigIntStats): NodeType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'chardev';
  if (st.isBlockDevice()) return 'dev';
  return undefined;
}

/** A tree node with the metadata restic records for this kind of file; content/subtree are filled in later. */
export function nodeFromStat(name: Buffer, type: NodeType, st: BigIntStats): TreeNode {
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
