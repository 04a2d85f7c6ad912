// restore --verify: each restored file read back and compared, blob by blob, with the data the snapshot has for it.
import { constants as C, promises as fs } from 'node:fs';
import { throwIfAborted } from '../base/abort';
import { TreeNode } from '../repo/format/tree';
import { Repository } from '../repo/repository';
import { describeFsError, isFsError } from './backup';

export interface VerifyOutcome {
  files: number;
  /** One message per file that differs or cannot be read. */
  errors: string[];
}

export async function verifyRestoredFiles(repo: Repository, files: readonly { path: Buffer; node: TreeNode }[], signal?: AbortSignal): Promise<VerifyOutcome> {
  const outcome: VerifyOutcome = { files: 0, errors: [] };
  for (const { path, node } of files) {
    throwIfAborted(signal);
    const problem = await differenceOf(repo, path, node, signal);
    if (problem) outcome.errors.push(`${path.toString()}: ${problem}`);
    else outcome.files++;
  }
  return outcome;
}

/** What differs between the file at `path` and the snapshot's node, or undefined when nothing does. */
async function differenceOf(repo: Repository, path: Buffer, node: TreeNode, signal?: AbortSignal): Promise<string | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, C.O_RDONLY | C.O_NOFOLLOW);
  } catch (err) {
    if (isFsError(err)) return describeFsError(err);
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    if (BigInt(size) !== (node.size ?? 0n)) return `size ${size} instead of ${String(node.size ?? 0n)}`;
    let offset = 0;
    for (const id of node.content ?? []) {
      const expected = await repo.loadBlob('data', id, signal);
      const actual = Buffer.alloc(expected.length);
      const { bytesRead } = await handle.read(actual, 0, expected.length, offset);
      if (bytesRead !== expected.length || !actual.equals(expected)) return `content differs from the snapshot's at bytes ${offset}…${offset + expected.length}`;
      offset += expected.length;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
