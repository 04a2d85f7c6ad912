import { Id } from './ids';
import { IndexFile } from './indexfile';
import { BlobType, PackedBlob } from './pack';

export interface BlobLocation {
  packId: Id;
  blob: PackedBlob;
}

/** All index files merged: where each blob is, and which packs are known. */
export class MasterIndex {
  private readonly blobs = new Map<string, BlobLocation>();
  readonly packs = new Map<Id, PackedBlob[]>();
  /** Index files this index was built from. */
  readonly indexFiles = new Set<Id>();

  private static key(type: BlobType, id: Id): string {
    return type === 'tree' ? `t${id}` : `d${id}`;
  }

  /** Forgets everything, to be read again. */
  clear(): void {
    this.blobs.clear();
    this.packs.clear();
    this.indexFiles.clear();
  }

  add(index: IndexFile, fileId?: Id): void {
    if (fileId) this.indexFiles.add(fileId);
    for (const pack of index.packs) this.addPack(pack.id, pack.blobs);
  }

  addPack(packId: Id, blobs: readonly PackedBlob[]): void {
    const known = this.packs.get(packId);
    if (known) known.push(...blobs);
    else this.packs.set(packId, [...blobs]);
    for (const blob of blobs) {
      const key = MasterIndex.key(blob.type, blob.id);
      if (!this.blobs.has(key)) this.blobs.set(key, { packId, blob });
    }
  }

  has(type: BlobType, id: Id): boolean {
    return this.blobs.has(MasterIndex.key(type, id));
  }

  lookup(type: BlobType, id: Id): BlobLocation | undefined {
    return this.blobs.get(MasterIndex.key(type, id));
  }

  get blobCount(): number {
    return this.blobs.size;
  }

  get dataBlobCount(): number {
    let count = 0;
    for (const key of this.blobs.keys()) if (key.charCodeAt(0) === 0x64) count++;
    return count;
  }

  /** The IDs of every data blob. */
  *dataIds(): Generator<Id> {
    for (const key of this.blobs.keys()) if (key.charCodeAt(0) === 0x64) yield key.slice(1);
  }
}
