import { CorruptFileError } from '../errors';
import { Id } from './ids';
import { Repository } from './repository';

/** Blobs of one pack that are at most this far apart are read together (what lies between is read and dropped). */
const MAX_GAP = 64 * 1024;
/** A span read in one piece is never larger than this. */
const MAX_SPAN = 16 * 1024 * 1024;

interface Span {
  packId: Id;
  start: number;
  end: number;
  bytes?: Promise<Buffer>;
}

/**
 * Sealed data blobs for a set of files known in advance (a folder's small files): blobs that lie close together
 * in a pack are read with one ranged load instead of one each, as restic's restorer reads the parts of a pack it
 * needs. A span is read when its first blob is asked for and kept until this loader is dropped.
 */
export class BlobSpanLoader {
  private readonly spanOf = new Map<Id, Span>();

  constructor(
    private readonly repo: Repository,
    ids: readonly Id[],
    private readonly signal?: AbortSignal,
  ) {
    const byPack = new Map<Id, { id: Id; offset: number; end: number }[]>();
    for (const id of new Set(ids)) {
      const location = repo.index.lookup('data', id);
      if (!location) continue;
      const blobs = byPack.get(location.packId) ?? [];
      blobs.push({ id, offset: location.blob.offset, end: location.blob.offset + location.blob.length });
      byPack.set(location.packId, blobs);
    }
    for (const [packId, blobs] of byPack) {
      blobs.sort((a, b) => a.offset - b.offset);
      let span: Span | undefined;
      let members: Id[] = [];
      const close = (): void => {
        if (span && members.length > 1) for (const id of members) this.spanOf.set(id, span);
      };
      for (const blob of blobs) {
        if (span && blob.offset - span.end <= MAX_GAP && blob.end - span.start <= MAX_SPAN) {
          span.end = Math.max(span.end, blob.end);
          members.push(blob.id);
          continue;
        }
        close();
        span = { packId, start: blob.offset, end: blob.end };
        members = [blob.id];
      }
      close();
    }
  }

  /** The blob as stored, with its pack; one that is alone in its part of the pack is loaded by itself. */
  async load(id: Id): Promise<{ sealed: Buffer; packId: Id; uncompressedLength?: number }> {
    const location = this.repo.index.lookup('data', id);
    const span = this.spanOf.get(id);
    if (!location || !span || location.packId !== span.packId) return this.repo.loadSealed('data', id, this.signal);
    span.bytes ??= this.repo.backend.load({ type: 'data', name: span.packId }, { offset: span.start, length: span.end - span.start }, this.signal);
    const all = await span.bytes;
    const from = location.blob.offset - span.start;
    if (from < 0 || from + location.blob.length > all.length) throw new CorruptFileError(`data/${span.packId}`, 'it is shorter than the index says');
    return { sealed: all.subarray(from, from + location.blob.length), packId: location.packId, uncompressedLength: location.blob.uncompressedLength };
  }
}
