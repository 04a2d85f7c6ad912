import { failIn, parseJsonFile } from './jsonfile';
import { Id, isId } from './ids';
import { BlobType, PackedBlob } from './pack';

export interface IndexPack {
  id: Id;
  blobs: PackedBlob[];
}

export interface IndexFile {
  supersedes: Id[];
  packs: IndexPack[];
}

/**
 * Index files Lockstep writes hold at most this many blobs (restic's own: 50,000, or 150,000 compressed). Each file
 * is made whole in memory (the JSON, then compressed and sealed): the index of a first backup of 50,000 small files
 * in one file raised the command's peak RSS by 10-14 MB at its very end.
 */
export const INDEX_FILE_MAX_BLOBS = 16_384;

/** `packs` grouped, in order, into index files of at most `maxBlobs` blobs (a pack with more has a file of its own). */
export function indexFileBatches(packs: readonly IndexPack[], maxBlobs = INDEX_FILE_MAX_BLOBS): IndexPack[][] {
  const batches: IndexPack[][] = [];
  let batch: IndexPack[] = [];
  let blobs = 0;
  for (const pack of packs) {
    if (batch.length > 0 && blobs + pack.blobs.length > maxBlobs) {
      batches.push(batch);
      batch = [];
      blobs = 0;
    }
    batch.push(pack);
    blobs += pack.blobs.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** restic's index JSON, with the trailing newline its encoder writes. */
export function encodeIndex(index: IndexFile): string {
  const packs = index.packs.map((p) => ({
    id: p.id,
    blobs: p.blobs.map((b) =>
      b.uncompressedLength !== undefined
        ? { id: b.id, type: b.type, offset: b.offset, length: b.length, uncompressed_length: b.uncompressedLength }
        : { id: b.id, type: b.type, offset: b.offset, length: b.length },
    ),
  }));
  const doc = index.supersedes.length > 0 ? { supersedes: index.supersedes, packs } : { packs };
  return `${JSON.stringify(doc)}\n`;
}

export function parseIndex(json: string, fileForErrors: string): IndexFile {
  const fail = failIn(fileForErrors);
  const raw = parseJsonFile(json, fileForErrors);
  let packsRaw: unknown;
  let supersedesRaw: unknown = [];
  if (Array.isArray(raw)) packsRaw = raw; // the old format: a bare list of packs
  else if (typeof raw === 'object' && raw !== null) {
    packsRaw = (raw as Record<string, unknown>).packs ?? [];
    supersedesRaw = (raw as Record<string, unknown>).supersedes ?? [];
  } else return fail('it is not a JSON object');
  if (!Array.isArray(packsRaw)) return fail('"packs" is not a list');
  if (!Array.isArray(supersedesRaw) || !supersedesRaw.every((s) => typeof s === 'string' && isId(s))) return fail('"supersedes" is not a list of IDs');
  const count = (v: unknown, what: string): number =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(`${what} is not a non-negative integer`);
  const packs = packsRaw.map((p, i): IndexPack => {
    if (typeof p !== 'object' || p === null) return fail(`pack entry ${i} is not an object`);
    const { id, blobs } = p as Record<string, unknown>;
    if (typeof id !== 'string' || !isId(id)) return fail(`pack entry ${i} has an invalid ID`);
    if (!Array.isArray(blobs)) return fail(`pack ${id} has no blob list`);
    return {
      id,
      blobs: blobs.map((b, j): PackedBlob => {
        if (typeof b !== 'object' || b === null) return fail(`blob ${j} of pack ${id} is not an object`);
        const e = b as Record<string, unknown>;
        if (typeof e.id !== 'string' || !isId(e.id)) return fail(`blob ${j} of pack ${id} has an invalid ID`);
        if (e.type !== 'data' && e.type !== 'tree') return fail(`blob ${e.id} has an invalid type ${JSON.stringify(e.type)}`);
        const uncompressed = e.uncompressed_length === undefined || e.uncompressed_length === 0 ? undefined : count(e.uncompressed_length, `uncompressed_length of blob ${e.id}`);
        return { id: e.id, type: e.type as BlobType, offset: count(e.offset, `offset of blob ${e.id}`), length: count(e.length, `length of blob ${e.id}`), uncompressedLength: uncompressed };
      }),
    };
  });
  return { supersedes: supersedesRaw as Id[], packs };
}
