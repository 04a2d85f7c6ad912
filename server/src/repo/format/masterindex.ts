// All index files merged: where each blob is, which index file said so, and which packs are known. It lives as long
// as the backend's repository session, so it is kept compact: a blob is one record of 52 bytes in fixed-size blocks
// of typed arrays (its ID's 32 bytes; pack, offset, length, plaintext length, and index file with the blob's type,
// 4 bytes each) plus 4-byte slots of an open-addressing table (at most 4/5 full: 5 to 10 bytes a blob). Records
// whose index file is gone are forgotten. Blobs enter only with the index file that lists them: a pack stored by a
// writer whose index file is not written yet is none of the repository's (engine/packer.ts keeps those to itself).
import { Id } from './ids';
import { IndexFile } from './indexfile';
import { BlobType, PackedBlob } from './pack';

export interface BlobLocation {
  packId: Id;
  blob: PackedBlob;
}

const BLOCK_SHIFT = 10;
const RECORDS_PER_BLOCK = 1 << BLOCK_SHIFT;
const ID_BYTES = 32;
/** Per record: pack number, offset, length, plaintext length, file number × 2 + (1 for a tree). */
const WORDS = 5;
const NOT_COMPRESSED = 0xffffffff;

interface Block {
  ids: Uint8Array;
  words: Uint32Array;
}

function newBlock(): Block {
  const buffer = new ArrayBuffer(RECORDS_PER_BLOCK * (ID_BYTES + WORDS * 4));
  return { ids: new Uint8Array(buffer, 0, RECORDS_PER_BLOCK * ID_BYTES), words: new Uint32Array(buffer, RECORDS_PER_BLOCK * ID_BYTES, RECORDS_PER_BLOCK * WORDS) };
}

/** Writes the 32 bytes a 64-digit hex ID spells into `into`. */
function decodeId(id: Id, into: Uint8Array): void {
  for (let i = 0; i < ID_BYTES; i++) into[i] = (hexValue(id.charCodeAt(2 * i)) << 4) | hexValue(id.charCodeAt(2 * i + 1));
}

function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}

export class MasterIndex {
  private blocks: Block[] = [];
  private count = 0;
  /** Record number + 1 of each distinct (type, ID); 0 marks an empty slot. */
  private table = new Int32Array(1024);
  private distinct = 0;
  private distinctData = 0;
  private packIds: Id[] = [];
  private readonly packNumbers = new Map<Id, number>();
  /** Index file IDs by number (undefined: the file is gone). */
  private fileIds: (Id | undefined)[] = [];
  private readonly fileNumbers = new Map<Id, number>();
  private readonly probe = new Uint8Array(ID_BYTES);

  /** Forgets everything. */
  clear(): void {
    this.blocks = [];
    this.count = 0;
    this.table = new Int32Array(1024);
    this.distinct = 0;
    this.distinctData = 0;
    this.packIds = [];
    this.packNumbers.clear();
    this.fileIds = [];
    this.fileNumbers.clear();
  }

  /** Adds the blobs index file `fileId` lists (once: a file read before is not added again). */
  add(index: IndexFile, fileId: Id): void {
    if (this.fileNumbers.has(fileId)) return;
    const file = this.fileNumber(fileId);
    for (const pack of index.packs) this.addBlobs(pack.id, pack.blobs, file);
  }

  /** Forgets the blobs of index files that are gone; a blob another file lists too stays, found there. */
  removeFiles(fileIds: Iterable<Id>): void {
    const gone = new Set<number>();
    for (const id of fileIds) {
      const n = this.fileNumbers.get(id);
      if (n === undefined) continue;
      gone.add(n);
      this.fileNumbers.delete(id);
      this.fileIds[n] = undefined;
    }
    if (gone.size > 0) this.retain((words, at) => !gone.has(words[at + 4] >>> 1));
  }

  /** The index files this index was built from. */
  files(): Id[] {
    return [...this.fileNumbers.keys()];
  }

  hasFile(id: Id): boolean {
    return this.fileNumbers.has(id);
  }

  has(type: BlobType, id: Id): boolean {
    return this.find(type, id) >= 0;
  }

  lookup(type: BlobType, id: Id): BlobLocation | undefined {
    const record = this.find(type, id);
    if (record < 0) return undefined;
    const { words } = this.blocks[record >>> BLOCK_SHIFT];
    const at = (record & (RECORDS_PER_BLOCK - 1)) * WORDS;
    const uncompressed = words[at + 3];
    const blob: PackedBlob = { type, id, offset: words[at + 1], length: words[at + 2] };
    if (uncompressed !== NOT_COMPRESSED) blob.uncompressedLength = uncompressed;
    return { packId: this.packIds[words[at]], blob };
  }

  get blobCount(): number {
    return this.distinct;
  }

  get dataBlobCount(): number {
    return this.distinctData;
  }

  /** Calls `each` with the first 8 bytes (two big-endian 32-bit words) of every distinct data blob's ID. */
  forEachDataPrefix(each: (hi: number, lo: number) => void): void {
    this.forEachDistinct((block, slot, isTree) => {
      if (isTree) return;
      const ids = block.ids;
      const o = slot * ID_BYTES;
      each(((ids[o] << 24) | (ids[o + 1] << 16) | (ids[o + 2] << 8) | ids[o + 3]) | 0, ((ids[o + 4] << 24) | (ids[o + 5] << 16) | (ids[o + 6] << 8) | ids[o + 7]) | 0);
    });
  }

  /** Every pack with every blob the index lists for it (a blob listed twice appears twice), built on each call. */
  packTable(): Map<Id, PackedBlob[]> {
    const packs = new Map<Id, PackedBlob[]>();
    this.forEachRecord((block, slot) => {
      const at = slot * WORDS;
      const w = block.words;
      const packId = this.packIds[w[at]];
      const blob: PackedBlob = { type: w[at + 4] & 1 ? 'tree' : 'data', id: Buffer.from(block.ids.subarray(slot * ID_BYTES, (slot + 1) * ID_BYTES)).toString('hex'), offset: w[at + 1], length: w[at + 2] };
      if (w[at + 3] !== NOT_COMPRESSED) blob.uncompressedLength = w[at + 3];
      const list = packs.get(packId);
      if (list) list.push(blob);
      else packs.set(packId, [blob]);
    });
    return packs;
  }

  /** Bytes held by the records and the table (what a blob costs, measured by the tests). */
  get memoryBytes(): number {
    return this.blocks.length * RECORDS_PER_BLOCK * (ID_BYTES + WORDS * 4) + this.table.byteLength;
  }

  private fileNumber(id: Id): number {
    let n = this.fileNumbers.get(id);
    if (n === undefined) {
      n = this.fileIds.length;
      this.fileIds.push(id);
      this.fileNumbers.set(id, n);
    }
    return n;
  }

  private packNumber(id: Id): number {
    let n = this.packNumbers.get(id);
    if (n === undefined) {
      n = this.packIds.length;
      this.packIds.push(id);
      this.packNumbers.set(id, n);
    }
    return n;
  }

  private addBlobs(packId: Id, blobs: readonly PackedBlob[], file: number): void {
    const pack = this.packNumber(packId);
    for (const blob of blobs) {
      const record = this.count++;
      if ((record & (RECORDS_PER_BLOCK - 1)) === 0) this.blocks.push(newBlock());
      const block = this.blocks[record >>> BLOCK_SHIFT];
      const slot = record & (RECORDS_PER_BLOCK - 1);
      decodeId(blob.id, block.ids.subarray(slot * ID_BYTES, (slot + 1) * ID_BYTES));
      const at = slot * WORDS;
      block.words[at] = pack;
      block.words[at + 1] = blob.offset;
      block.words[at + 2] = blob.length;
      block.words[at + 3] = blob.uncompressedLength ?? NOT_COMPRESSED;
      block.words[at + 4] = (file << 1) | (blob.type === 'tree' ? 1 : 0);
      this.insert(record);
    }
  }

  /** Puts `record` in the table unless a record of the same type and ID is there already (the first one wins). */
  private insert(record: number): void {
    if ((this.distinct + 1) * 5 > this.table.length * 4) this.grow();
    const block = this.blocks[record >>> BLOCK_SHIFT];
    const slot = record & (RECORDS_PER_BLOCK - 1);
    const isTree = block.words[slot * WORDS + 4] & 1;
    const mask = this.table.length - 1;
    for (let i = this.hash(block.ids, slot * ID_BYTES, isTree) & mask; ; i = (i + 1) & mask) {
      const found = this.table[i];
      if (found === 0) {
        this.table[i] = record + 1;
        this.distinct++;
        if (!isTree) this.distinctData++;
        return;
      }
      if (this.sameKey(found - 1, block.ids, slot * ID_BYTES, isTree)) return;
    }
  }

  private grow(): void {
    this.rebuildTable(this.table.length * 2);
  }

  private rebuildTable(size: number): void {
    this.table = new Int32Array(size);
    this.distinct = 0;
    this.distinctData = 0;
    for (let record = 0; record < this.count; record++) this.insert(record);
  }

  private find(type: BlobType, id: Id): number {
    decodeId(id, this.probe);
    const isTree = type === 'tree' ? 1 : 0;
    const mask = this.table.length - 1;
    for (let i = this.hash(this.probe, 0, isTree) & mask; ; i = (i + 1) & mask) {
      const found = this.table[i];
      if (found === 0) return -1;
      if (this.sameKey(found - 1, this.probe, 0, isTree)) return found - 1;
    }
  }

  /** IDs are SHA-256 digests: their bytes 4-7 are as good a hash as any. */
  private hash(ids: Uint8Array, o: number, isTree: number): number {
    return ((ids[o + 4] | (ids[o + 5] << 8) | (ids[o + 6] << 16) | (ids[o + 7] << 24)) ^ isTree) >>> 0;
  }

  private sameKey(record: number, ids: Uint8Array, o: number, isTree: number): boolean {
    const block = this.blocks[record >>> BLOCK_SHIFT];
    const slot = record & (RECORDS_PER_BLOCK - 1);
    if ((block.words[slot * WORDS + 4] & 1) !== isTree) return false;
    const r = slot * ID_BYTES;
    for (let i = 0; i < ID_BYTES; i++) if (block.ids[r + i] !== ids[o + i]) return false;
    return true;
  }

  private forEachRecord(each: (block: Block, slot: number) => void): void {
    for (let record = 0; record < this.count; record++) each(this.blocks[record >>> BLOCK_SHIFT], record & (RECORDS_PER_BLOCK - 1));
  }

  private forEachDistinct(each: (block: Block, slot: number, isTree: boolean) => void): void {
    for (const found of this.table) {
      if (found === 0) continue;
      const block = this.blocks[(found - 1) >>> BLOCK_SHIFT];
      const slot = (found - 1) & (RECORDS_PER_BLOCK - 1);
      each(block, slot, (block.words[slot * WORDS + 4] & 1) === 1);
    }
  }

  /** Keeps the records `keep` accepts (in order), then renumbers packs and files and rebuilds the table. */
  private retain(keep: (words: Uint32Array, at: number) => boolean): void {
    let kept = 0;
    for (let record = 0; record < this.count; record++) {
      const from = this.blocks[record >>> BLOCK_SHIFT];
      const slot = record & (RECORDS_PER_BLOCK - 1);
      if (!keep(from.words, slot * WORDS)) continue;
      if (kept !== record) {
        const to = this.blocks[kept >>> BLOCK_SHIFT];
        const toSlot = kept & (RECORDS_PER_BLOCK - 1);
        to.ids.set(from.ids.subarray(slot * ID_BYTES, (slot + 1) * ID_BYTES), toSlot * ID_BYTES);
        to.words.set(from.words.subarray(slot * WORDS, (slot + 1) * WORDS), toSlot * WORDS);
      }
      kept++;
    }
    this.count = kept;
    this.blocks.length = Math.ceil(kept / RECORDS_PER_BLOCK);
    this.renumberPacks();
    let size = 1024;
    while (kept * 5 > size * 4) size *= 2;
    this.rebuildTable(size);
  }

  /** Numbers the packs records still name from 0, forgetting the others. */
  private renumberPacks(): void {
    const packMap = new Map<number, number>();
    const packIds: Id[] = [];
    this.forEachRecord((block, slot) => {
      const at = slot * WORDS;
      let n = packMap.get(block.words[at]);
      if (n === undefined) {
        n = packIds.length;
        packIds.push(this.packIds[block.words[at]]);
        packMap.set(block.words[at], n);
      }
      block.words[at] = n;
    });
    this.packIds = packIds;
    this.packNumbers.clear();
    packIds.forEach((id, n) => this.packNumbers.set(id, n));
  }
}
