// Worker thread entry (bundled as dist/worker.js): compresses and seals blobs for the backup pipeline.
import { parentPort, workerData } from 'node:worker_threads';
import { BlobDecodeError, decodeBlobBytes, encodeBlob } from './blobcodec';
import { cryptoReady, MasterKey } from './crypto';
import { encodeSmallFile } from './smallfile';
import { restoreFileHere } from './restorefile';
import type { FileResult, FsErrorInfo, RestoreResult, WorkerJob, WorkerResult, WorkerSetup } from './workerpool';
import { zstdReady } from './zstd';

const setup = workerData as WorkerSetup;
const key: MasterKey = {
  encrypt: Buffer.from(setup.encrypt),
  macK: Buffer.from(setup.macK),
  macR: Buffer.from(setup.macR),
};

const ready = Promise.all([cryptoReady(), zstdReady()]);

function reply(result: WorkerResult, buf?: Buffer): void {
  const whole = buf !== undefined && buf.byteOffset === 0 && buf.length === buf.buffer.byteLength;
  parentPort?.postMessage(result, whole ? [buf.buffer as ArrayBuffer] : []);
}

/** Encodes each file of a batch; the sealed blobs travel back in one buffer. */
function encodeFiles(job: Extract<WorkerJob, { kind: 'encodeFiles' }>): void {
  const files: FileResult[] = [];
  const sealedParts: Buffer[] = [];
  let offset = 0;
  for (const path of job.paths) {
    try {
      const outcome = encodeSmallFile(key, path, job.compress, job.limit);
      if (outcome.kind !== 'blob') {
        files.push({ kind: outcome.kind });
        continue;
      }
      const { sealed, id, uncompressedLength } = outcome.blob;
      files.push({ kind: 'blob', id, offset, length: sealed.length, uncompressedLength, plainLength: outcome.length });
      sealedParts.push(sealed);
      offset += sealed.length;
    } catch (err) {
      files.push({ kind: 'failed', error: err instanceof Error ? err.message : String(err), fsError: fsErrorInfo(err) });
    }
  }
  // Its own ArrayBuffer (never Node's shared pool), so that it is moved, not copied.
  const sealed = Buffer.allocUnsafeSlow(offset);
  let at = 0;
  for (const part of sealedParts) at += part.copy(sealed, at);
  reply({ seq: job.seq, kind: 'files', files, sealed: sealed.buffer as ArrayBuffer }, sealed);
}

/** Writes each file of a batch; one failing does not stop the others. */
function restoreFiles(job: Extract<WorkerJob, { kind: 'restoreFiles' }>): void {
  const files = job.files.map((file): RestoreResult => {
    try {
      return { kind: 'written', length: restoreFileHere(key, file) };
    } catch (err) {
      return { kind: 'failed', error: err instanceof Error ? err.message : String(err), fsError: fsErrorInfo(err), problem: err instanceof BlobDecodeError ? err.problem : undefined };
    }
  });
  reply({ seq: job.seq, kind: 'restored', files });
}

parentPort?.on('message', (job: WorkerJob) => {
  void ready.then(() => {
    try {
      if (job.kind === 'encodeFiles') {
        encodeFiles(job);
        return;
      }
      if (job.kind === 'restoreFiles') {
        restoreFiles(job);
        return;
      }
      const input = new Uint8Array(job.data, job.offset, job.length);
      if (job.kind === 'encode' && job.into) {
        const into = Buffer.from(job.into.memory, job.into.offset, job.into.length);
        const encoded = encodeBlob(key, input, job.compress === true, into);
        reply({ seq: job.seq, kind: 'sealedInto', id: encoded.id, length: encoded.sealed.length, uncompressedLength: encoded.uncompressedLength });
      } else if (job.kind === 'encode') {
        const encoded = encodeBlob(key, input, job.compress === true);
        const sealed = encoded.sealed;
        // Node Buffers from seal() never live in shared memory.
        reply({ seq: job.seq, kind: 'blob', id: encoded.id, sealed: sealed.buffer as ArrayBuffer, offset: sealed.byteOffset, length: sealed.length, uncompressedLength: encoded.uncompressedLength }, sealed);
      } else {
        // The sealed blob was moved here: it is decrypted where it lies instead of into fresh memory.
        const plain = decodeBlobBytes(key, input, job.uncompressedLength, job.expectedId ?? '', job.data instanceof ArrayBuffer);
        reply({ seq: job.seq, kind: 'blob', id: job.expectedId ?? '', sealed: plain.buffer as ArrayBuffer, offset: plain.byteOffset, length: plain.length }, plain);
      }
    } catch (err) {
      reply({ seq: job.seq, kind: 'error', error: err instanceof Error ? err.message : String(err), problem: err instanceof BlobDecodeError ? err.problem : undefined });
    }
  });
});

function fsErrorInfo(err: unknown): FsErrorInfo | undefined {
  const { code, syscall, message } = (err ?? {}) as Partial<FsErrorInfo>;
  return typeof code === 'string' && typeof syscall === 'string' ? { code, syscall, message: message ?? code } : undefined;
}
