import { Id } from '../format/ids';
import { Repository } from '../repository';

/** Blobs of one pack that are at most this far apart are read together (what lies between is read and dropped). */
const MAX_GAP = 64 * 1024;
/** A span read in one piece is never larger than this. */
const MAX_SPAN = 2 * 1024 * 1024;
/** Spans read are kept, newest first, up to this many bytes: other folders' files often share their blobs. */
const KEEP_BYTES = 1024 * 1024;

interface Span {
  packId: Id;
  start: number;
  end: number;
  bytes?: Promise<Buffer>;
}

/**
 * Sealed data blobs for a restore, read the way restic's restorer reads the parts of a pack it needs: the blobs a
 * folder's small files need (`plan`) that lie close together in a pack are read with one ranged load instead of
 * one each, and recently read spans serve any blob inside them. A blob alone in its part of a pack is loaded by
 * itself.
 */
export class BlobSpanLoader {
  /** Blobs asked for soon, and the span each will be read with. */
  private readonly planned = new Map<Id, Span>();
  /** Spans read, oldest first. */
  private readonly recent: Span[] = [];
  private recentBytes = 0;

  constructor(
    private readonly repo: Repository,
    private readonly signal?: AbortSignal,
  ) {}

  /** Blobs that will be asked for soon (a folder's small files). */
  plan(ids: readonly Id[]): void {
    const byPack = new Map<Id, { id: Id; offset: number; end: number }[]>();
    for (const id of new Set(ids)) {
      const location = this.repo.index.lookup('data', id);
      if (!location || this.planned.has(id) || this.cached(location.packId, location.blob.offset, location.blob.offset + location.blob.length)) continue;
      const blobs = byPack.get(location.packId) ?? [];
      blobs.push({ id, offset: location.blob.offset, end: location.blob.offset + location.blob.length });
      byPack.set(location.packId, blobs);
    }
    for (const [packId, blobs] of byPack) {
      blobs.sort((a, b) => a.offset - b.offset);
      let span: Span | undefined;
      let members: Id[] = [];
      const close = (): void => {
        if (span && members.length > 1) for (const id of members) this.planned.set(id, span);
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

  /** The blob as stored, with its pack. */
  async load(id: Id): Promise<{ sealed: Buffer; packId: Id; uncompressedLength?: number }> {
    const location = this.repo.index.lookup('data', id);
    if (!location) return this.repo.loadSealed('data', id, this.signal);
    const { packId, blob } = location;
    const plannedSpan = this.planned.get(id);
    this.planned.delete(id);
    let span = this.cached(packId, blob.offset, blob.offset + blob.length);
    if (!span) {
      span = plannedSpan;
      if (!span || span.packId !== packId) return this.repo.loadSealed('data', id, this.signal);
      if (!span.bytes) {
        span.bytes = this.repo.backend.load({ type: 'data', name: packId }, { offset: span.start, length: span.end - span.start }, this.signal);
        this.remember(span);
      }
    }
    const all = await span.bytes!;
    const from = blob.offset - span.start;
    if (from + blob.length > all.length) throw await this.repo.truncatedPack(packId, `data blob ${id}`, blob, this.signal);
    return { sealed: all.subarray(from, from + blob.length), packId, uncompressedLength: blob.uncompressedLength };
  }

  private cached(packId: Id, start: number, end: number): Span | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const span = this.recent[i];
      if (span.packId === packId && span.start <= start && end <= span.end) return span;
    }
    return undefined;
  }

  private remember(span: Span): void {
    this.recent.push(span);
    this.recentBytes += span.end - span.start;
    while (this.recentBytes > KEEP_BYTES && this.recent.length > 1) {
      const dropped = this.recent.shift()!;
      this.recentBytes -= dropped.end - dropped.start;
    }
  }
}
