// Where a backup's walk gets what the file system says: straight from system calls on the calling thread, or from
// the tree read-ahead, a thread that makes those calls ahead of the walk (walk.ts) and hands the answers over in
// shared memory (ring.ts), small files' bytes included. The walk's own work (hashing, compressing, sealing, trees)
// then runs beside the file system's on the second core. Measured reason (issue 12, item 6; `BENCH_PHASES=small,
// small50k npm run bench`): on one thread, lstat, readdir and open/read/close took half of an initial backup's
// main thread time. The read-ahead only ever saves work: when its next record is not the one the walk asks for (the
// tree changed between its look and the walk's, or a filter decided otherwise), it stops and the walk reads for itself.
import { lstatSync, readdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Backend } from '../../backend/backend';
import { bundledScript } from '../../base/bundle';
import { trace } from '../../base/trace';
import type { PreparedBlob } from '../../repo/engine/datastore';
import type { EntryStat } from '../fsnode';
import { readRecord, RecordKind, type ReadRecord } from './records';
import { ringMemory, RingReader } from './ring';
import type { ReadAheadPlan } from './walk';

/** What lstat said of a path (or its error); for a small file its bytes, for a symbolic link its target, where read. */
export interface WalkedEntry {
  stat?: EntryStat;
  error?: unknown;
  /** A small file's content, hashed (and compressed) into a blob to seal: valid until the next call to the source. */
  blob?: PreparedBlob;
  linkTarget?: Buffer;
  /** Reading the content or the link target failed. */
  readError?: unknown;
}

export interface TreeSource {
  /** lstat of `fullPath`; where the source read ahead, with the small file's bytes or the link's target. */
  entry(fullPath: Buffer): WalkedEntry | Promise<WalkedEntry>;
  /** The names in a folder; throws the file system's error. */
  list(folder: Buffer): Buffer[] | Promise<Buffer[]>;
  /** Stops reading ahead (the walk is over, or failed). */
  close(): Promise<void>;
}

/** System calls on the calling thread. */
export const directSource: TreeSource = {
  entry(fullPath) {
    try {
      // Synchronous: a local lstat is far cheaper than a trip through libuv's thread pool.
      return { stat: lstatSync(fullPath, { bigint: true }) };
    } catch (error) {
      return { error };
    }
  },
  list(folder) {
    return readdirSync(folder, { encoding: 'buffer' });
  },
  async close() {},
};

/** What the read-ahead thread is started with; its plan comes in its first message. */
export interface ReadAheadStart {
  memory: SharedArrayBuffer;
}

/** The ring's size: room for a few hundred small files ahead of the walk, and for the largest one (512 KiB). */
const RING_BYTES = 8 * 1024 * 1024;

/** The read-ahead thread, started before it has a plan (so that it can start while the key is derived). */
export class ReadAheadThread {
  private readonly memory = ringMemory(RING_BYTES);
  private readonly reader = new RingReader(this.memory);
  private readonly worker: Worker;
  private started = false;

  constructor(script: string) {
    // node:worker_threads is loaded with the first read-ahead: commands that back up nothing do not pay for it.
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    // A small young generation: the thread's garbage is a few objects per file, and its pages count in the RSS.
    this.worker = new WorkerThread(script, { workerData: { memory: this.memory } satisfies ReadAheadStart, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.worker.unref();
    const ended = (): void => this.reader.close();
    this.worker.on('error', (err) => {
      trace(`tree read-ahead failed: ${err.message}`);
      ended();
    });
    this.worker.on('exit', ended);
  }

  /** Has the thread walk `plan`; the source to take its records from (whose waits end when `signal` is aborted). Once only. */
  start(plan: ReadAheadPlan, signal?: AbortSignal): TreeSource {
    if (this.started) throw new Error('a read-ahead thread walks one plan');
    this.started = true;
    this.worker.postMessage(plan);
    return new ReadAheadSource(this.reader, () => this.close(), signal);
  }

  /** Stops the thread, whether it walked or not. */
  async close(): Promise<void> {
    this.reader.stop();
    await this.worker.terminate();
  }
}

/** A read-ahead thread, unless it cannot run here (the sources run without the bundle) or LOCKSTEP_READAHEAD=0. */
function prepareReadAhead(env: NodeJS.ProcessEnv): ReadAheadThread | undefined {
  const script = bundledScript('readahead.js');
  return script && env.LOCKSTEP_READAHEAD !== '0' ? new ReadAheadThread(script) : undefined;
}

/**
 * A read-ahead thread for a backup that reads every file (no parent snapshot, or --force): a walk that only looks at
 * files would gain little from it, for a thread's start (~70 ms of CPU, ~10 MB). It starts at once when the
 * repository holds no snapshot yet (a first backup, sure to read everything), listed while the key is derived;
 * otherwise when the backup asks for it.
 */
export class ReadAheadOffer {
  private thread: ReadAheadThread | undefined;
  private closed = false;

  constructor(
    backend: Pick<Backend, 'list'>,
    private readonly env: NodeJS.ProcessEnv,
    signal?: AbortSignal,
  ) {
    // Never waited for: a listing that does not come back (a hung server) holds neither the backup nor its end.
    backend.list('snapshots', signal).then(
      (snapshots) => {
        if (snapshots.length === 0 && !this.closed) this.thread ??= prepareReadAhead(env);
      },
      () => undefined, // the backup meets the backend's trouble itself, and says so
    );
  }

  /**
   * A first backup's read-ahead thread and ring peak higher than a helper thread deriving the key beside this one
   * (repo/engine/scryptlanes.ts), so the key may take the second core while it boots.
   */
  keyOnTwoThreads(): boolean {
    return this.thread !== undefined;
  }

  /** The thread for a walk that reads every file (closed with the offer); undefined where none can run. */
  forReading(): ReadAheadThread | undefined {
    if (!this.closed) this.thread ??= prepareReadAhead(this.env);
    return this.thread;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.thread?.close();
  }
}

/** The walk's side of the ring: records taken in order, each checked against what the walk asks for. */
export class ReadAheadSource implements TreeSource {
  /** The bytes of the record handed out last: given back to the writer at the next call. */
  private held = 0;
  private stopped = false;
  private taken = 0;
  /** Why the walk stopped taking records before its end, if it did. */
  private fellBack: string | undefined;
  private waits = 0;
  private waitedMs = 0;

  constructor(
    private readonly reader: RingReader,
    private readonly stopWriter: () => Promise<void>,
    private readonly signal?: AbortSignal,
  ) {}

  entry(fullPath: Buffer): WalkedEntry | Promise<WalkedEntry> {
    const found = this.take(RecordKind.Entry, fullPath);
    if (found instanceof Promise) return found.then((record) => entryOf(record) ?? directSource.entry(fullPath));
    return entryOf(found) ?? directSource.entry(fullPath);
  }

  list(folder: Buffer): Buffer[] | Promise<Buffer[]> {
    const found = this.take(RecordKind.Folder, folder);
    if (found instanceof Promise) return found.then((record) => namesOf(record) ?? directSource.list(folder));
    return namesOf(found) ?? directSource.list(folder);
  }

  /** Records taken, and why the walk went on without them before its end (undefined: it did not). */
  get usage(): { records: number; fellBack?: string } {
    return { records: this.taken, fellBack: this.fellBack };
  }

  async close(): Promise<void> {
    await this.stop(`tree read-ahead: ${this.taken} records used; the walk waited ${this.waits} times, ${this.waitedMs.toFixed(0)} ms`);
  }

  /** The next record if it is the one asked for; undefined, having stopped reading ahead, when it is not. */
  private take(kind: RecordKind, fullPath: Buffer): ReadRecord | undefined | Promise<ReadRecord | undefined> {
    if (this.held > 0) {
      this.reader.release(this.held);
      this.held = 0;
    }
    if (this.stopped) return undefined;
    const at = this.reader.next();
    if (at === undefined) {
      // A record may have come just before the ring was closed.
      if (this.reader.closed() && this.reader.next() === undefined) {
        this.fellBack = `ended before ${fullPath.toString()}`;
        this.stopInBackground();
        return undefined;
      }
      this.waits++;
      const since = performance.now();
      return this.reader.written(this.signal).then(() => {
        this.waitedMs += performance.now() - since;
        return this.take(kind, fullPath);
      });
    }
    const record = readRecord(this.reader, at);
    this.held = record.length;
    if (record.kind === RecordKind.End || record.kind !== kind || !record.path.equals(fullPath)) {
      this.fellBack = `the walk asked for ${fullPath.toString()}, not ${record.kind === RecordKind.End ? 'the end' : record.path.toString()}`;
      this.stopInBackground();
      return undefined;
    }
    this.taken++;
    return record;
  }

  /** Stops the thread while the walk goes on with its own calls (a thread that will not stop is only traced). */
  private stopInBackground(): void {
    this.stop(`tree read-ahead: ${this.fellBack}`).catch((err: unknown) => trace(`tree read-ahead did not stop: ${String(err)}`));
  }

  private async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    trace(reason);
    this.reader.stop();
    if (this.held > 0) {
      this.reader.release(this.held);
      this.held = 0;
    }
    await this.stopWriter();
  }
}

function entryOf(record: ReadRecord | undefined): WalkedEntry | undefined {
  if (record?.kind !== RecordKind.Entry) return undefined;
  const { stat, error, blob, linkTarget, readError } = record;
  return { stat, error, blob, linkTarget, readError };
}

function namesOf(record: ReadRecord | undefined): Buffer[] | undefined {
  if (record?.kind !== RecordKind.Folder) return undefined;
  if (record.error) throw record.error;
  return record.names;
}
