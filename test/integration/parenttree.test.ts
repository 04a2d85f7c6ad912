// An unchanged folder's tree is taken from the parent snapshot, not encoded again: when the parent's tree blob holds
// exactly the nodes the folder has now, and nothing else.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../server/src/backend/local';
import { BlobWriter } from '../../server/src/repo/engine/packer';
import { Repository } from '../../server/src/repo/repository';
import { lockstepOk } from '../helpers/cli';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'pw-parent-tree';

describe('trees of unchanged folders', () => {
  let repoDir: string;
  let source: string;
  let canonicalTree: string;

  /** Backs up the folder as "." and gives the root tree of the snapshot it wrote. */
  const backup = (): string => {
    const lines = lockstepOk(['--json', 'backup', '.'], { repo: repoDir, password: PASSWORD, cwd: source }).stdout.trim().split('\n');
    const summary = JSON.parse(lines.at(-1)!) as { message_type: string; snapshot_id: string };
    expect(summary.message_type).toBe('summary');
    const snapshot = JSON.parse(lockstepOk(['cat', 'snapshot', summary.snapshot_id], { repo: repoDir, password: PASSWORD }).stdout) as { tree: string };
    return snapshot.tree;
  };

  /** Stores the backup's root tree rewritten by `rewrite` and a newer snapshot of the same folder pointing at it. */
  const craftParent = async (rewrite: (node: Record<string, unknown>) => Record<string, unknown>): Promise<string> => {
    const repo = await Repository.open(new LocalBackend(repoDir), PASSWORD);
    await repo.loadIndex();
    const doc = JSON.parse((await repo.loadBlob('tree', canonicalTree)).toString()) as { nodes: Record<string, unknown>[] };
    const writer = new BlobWriter(repo, { compress: true, threads: 0 });
    const tree = await writer.save('tree', Buffer.from(`${JSON.stringify({ nodes: doc.nodes.map(rewrite) })}\n`));
    await writer.commitIndex();
    await writer.close();
    await repo.saveSnapshot({ time: new Date().toISOString(), tree: tree.id, paths: [source], hostname: hostname() });
    await repo.close();
    return tree.id;
  };

  beforeAll(async () => {
    const work = makeTempDir('parent-tree');
    repoDir = path.join(work, 'repo');
    source = path.join(work, 'source');
    mkdirSync(path.join(source, 'sub'), { recursive: true });
    writeFileSync(path.join(source, 'a.txt'), 'alpha\n');
    writeFileSync(path.join(source, 'sub', 'b.txt'), 'beta\n');
    await (await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: { N: 1024, r: 8, p: 1 } })).close();
    backup(); // reading the files the first time may set their atime
    canonicalTree = backup();
    expect(backup()).toBe(canonicalTree);
  });

  it('uses the parent tree of an unchanged folder as it is, even where its bytes differ from ours', async () => {
    // The same fields in another order: a tree restic reads exactly as the one Lockstep would write.
    const reordered = await craftParent((node) => Object.fromEntries(Object.entries(node).reverse()));
    expect(reordered).not.toBe(canonicalTree);
    expect(backup()).toBe(reordered);
    lockstepOk(['check', '--read-data'], { repo: repoDir, password: PASSWORD });
  });

  it('writes its own tree where the parent tree holds fields Lockstep does not know, or the folder changed', async () => {
    await craftParent((node) => ({ ...node, generic_attributes: { future: 'eA==' } }));
    expect(backup()).toBe(canonicalTree);
    writeFileSync(path.join(source, 'a.txt'), 'alpha, changed\n');
    const changed = backup();
    expect(changed).not.toBe(canonicalTree);
    const restored = path.join(makeTempDir('parent-tree-restore'), 'target');
    lockstepOk(['restore', 'latest', '--target', restored], { repo: repoDir, password: PASSWORD });
    expect(readFileSync(path.join(restored, 'a.txt'), 'utf8')).toBe('alpha, changed\n');
    expect(readFileSync(path.join(restored, 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
    lockstepOk(['check', '--read-data'], { repo: repoDir, password: PASSWORD });
  });
});
