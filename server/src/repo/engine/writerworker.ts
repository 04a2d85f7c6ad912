// Worker thread entry (bundled as dist/writer.js): writes restored small files, so that creating them (the
// kernel's work, most of a restore of many small files) runs on two cores, and checks and writes large files'
// blobs. Only `fs` and a hash: a small thread.
import { parentPort } from 'node:worker_threads';
import { ChunkHashMismatch, type ChunkResult, type WriteBatch, type WriteChunk, type WriteFailure, type WriteResults, writeChunkHere } from './filewriter';
import { writeRestoredFile } from './writefile';

function fsFailure(err: unknown): WriteFailure {
  const { code, syscall, message } = (err ?? {}) as NodeJS.ErrnoException;
  return { code: code ?? 'EIO', syscall: syscall ?? 'write', message: message ?? String(err) };
}

function writeFiles(batch: WriteBatch): void {
  const data = Buffer.from(batch.data);
  const results: WriteResults = {
    seq: batch.seq,
    failures: batch.files.map((file) => {
      try {
        writeRestoredFile(file.path, data.subarray(file.offset, file.offset + file.length), file.meta, file.replace);
        return undefined;
      } catch (err) {
        return fsFailure(err);
      }
    }),
  };
  // The batch's memory goes back to be filled again: left here, it would wait for a collection this thread never needs.
  parentPort?.postMessage({ ...results, data: batch.data } satisfies WriteResults, [batch.data]);
}

function writeChunk(job: WriteChunk): void {
  const result: ChunkResult = { seq: job.seq, hashMismatch: false, data: job.data };
  try {
    writeChunkHere(job.fd, job.position, new Uint8Array(job.data, job.offset, job.length), job.expectedId);
  } catch (err) {
    if (err instanceof ChunkHashMismatch) result.hashMismatch = true;
    else result.failure = fsFailure(err);
  }
  parentPort?.postMessage(result, job.data instanceof SharedArrayBuffer ? [] : [job.data]);
}

parentPort?.on('message', (job: WriteBatch | WriteChunk) => (job.kind === 'chunk' ? writeChunk(job) : writeFiles(job)));
