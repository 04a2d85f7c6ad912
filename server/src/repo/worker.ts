// Worker thread entry (bundled as dist/worker.js): stores data blobs into its own pack files, encodes and decodes
// single blobs, and writes restored small files.
import { parentPort, workerData } from 'node:worker_threads';
import { BlobDecodeError, decodeBlobBytes, encodeBlob } from './blobcodec';
import { cryptoReady, MasterKey } from './crypto';
import { DataPackStore } from './datastore';
import { BlobNotKeptError, DecodedBlobs, restoreFileHere } from './restorefile';
import type { FsErrorInfo, RestoreResult, StoredFileResult, WorkerJob, WorkerResult, WorkerSetup } from './workerpool';
import { zstdReady } from './zstd';

const setup = workerData as WorkerSetup;
const key: MasterKey = {
  encrypt: Buffer.from(setup.encrypt),
  macK: Buffer.from(setup.macK),
  macR: Buffer.from(setup.macR),
};

const ready = Promise.all([cryptoReady(), zstdReady()]);
const store = setup.store ? new DataPackStore(key, setup.store) : undefined;

function reply(result: WorkerResult, buf?: Buffer): void {
  const whole = buf !== undefined && buf.byteOffset === 0 && buf.length === buf.buffer.byteLength;
  parentPort?.postMessage(result, whole ? [buf.buffer as ArrayBuffer] : []);
}

function requireStore(): DataPackStore {
  if (!store) throw new Error('this worker was started without a data store');
  return store;
}

/** Stores each file of a batch; one failing does not stop the others. */
function storeFiles(job: Extract<WorkerJob, { kind: 'storeFiles' }>): void {
  const into = requireStore();
  const files = job.paths.map((path): StoredFileResult => {
    try {
      return into.storeFile(path, job.limit, job.force);
    } catch (err) {
      return { kind: 'failed', error: err instanceof Error ? err.message : String(err), fsError: fsErrorInfo(err) };
    }
  });
  reply({ seq: job.seq, kind: 'storedFiles', files, packs: into.takeFinished() });
}

/** Blobs of restored small files this worker keeps decoded (its sender keeps the same account). */
const decoded = new DecodedBlobs();

/** Writes each file of a batch; one failing does not stop the others. */
function restoreFiles(job: Extract<WorkerJob, { kind: 'restoreFiles' }>): void {
  const files = job.files.map((file): RestoreResult => {
    try {
      // The sealed blobs were moved here: each is decrypted where it lies.
      return { kind: 'written', length: restoreFileHere(key, file, decoded, true) };
    } catch (err) {
      const notKept = err instanceof BlobNotKeptError ? true : undefined;
      return { kind: 'failed', error: err instanceof Error ? err.message : String(err), fsError: fsErrorInfo(err), problem: err instanceof BlobDecodeError ? err.problem : undefined, notKept };
    }
  });
  reply({ seq: job.seq, kind: 'restored', files });
}

function run(job: WorkerJob): void {
  if ((job.kind === 'storeFiles' || job.kind === 'storeChunk') && job.indexed) requireStore().setIndexed(job.indexed.table);
  switch (job.kind) {
    case 'storeFiles':
      return storeFiles(job);
    case 'storeChunk': {
      const into = requireStore();
      const { kind, id } = into.store(new Uint8Array(job.data, job.offset, job.length), job.force);
      return reply({ seq: job.seq, kind: 'storedChunk', outcome: kind, id, packs: into.takeFinished() });
    }
    case 'flush': {
      store?.flush();
      return reply({ seq: job.seq, kind: 'flushed', packs: store?.takeFinished() ?? [] });
    }
    case 'discard':
      store?.discard();
      return reply({ seq: job.seq, kind: 'flushed', packs: [] });
    case 'restoreFiles':
      return restoreFiles(job);
    case 'encode': {
      const encoded = encodeBlob(key, new Uint8Array(job.data, job.offset, job.length), job.compress === true);
      const sealed = encoded.sealed;
      // Node Buffers from seal() never live in shared memory.
      return reply({ seq: job.seq, kind: 'blob', id: encoded.id, sealed: sealed.buffer as ArrayBuffer, offset: sealed.byteOffset, length: sealed.length, uncompressedLength: encoded.uncompressedLength }, sealed);
    }
    case 'decode': {
      // The sealed blob was moved here: it is decrypted where it lies instead of into fresh memory.
      const plain = decodeBlobBytes(key, new Uint8Array(job.data, job.offset, job.length), job.uncompressedLength, job.expectedId, job.data instanceof ArrayBuffer);
      return reply({ seq: job.seq, kind: 'blob', id: job.expectedId, sealed: plain.buffer as ArrayBuffer, offset: plain.byteOffset, length: plain.length }, plain);
    }
  }
}

parentPort?.on('message', (job: WorkerJob) => {
  void ready.then(() => {
    try {
      run(job);
    } catch (err) {
      reply({ seq: job.seq, kind: 'error', error: err instanceof Error ? err.message : String(err), problem: err instanceof BlobDecodeError ? err.problem : undefined, fsError: fsErrorInfo(err) });
    }
  });
});

function fsErrorInfo(err: unknown): FsErrorInfo | undefined {
  const { code, syscall, message } = (err ?? {}) as Partial<FsErrorInfo>;
  return typeof code === 'string' && typeof syscall === 'string' ? { code, syscall, message: message ?? code } : undefined;
}
