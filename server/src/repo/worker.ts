// Worker thread entry (bundled as dist/worker.js): compresses and seals blobs for the backup pipeline.
import { parentPort, workerData } from 'node:worker_threads';
import { BlobDecodeError, decodeBlobBytes, encodeBlob } from './blobcodec';
import { cryptoReady, MasterKey } from './crypto';
import { zstdReady } from './zstd';
import type { WorkerJob, WorkerResult, WorkerSetup } from './workerpool';

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

parentPort?.on('message', (job: WorkerJob) => {
  void ready.then(() => {
    const input = new Uint8Array(job.data, job.offset, job.length);
    try {
      if (job.kind === 'encode') {
        const encoded = encodeBlob(key, input, job.compress === true);
        const sealed = encoded.sealed;
        // Node Buffers from seal() never live in shared memory.
        reply({ seq: job.seq, id: encoded.id, sealed: sealed.buffer as ArrayBuffer, offset: sealed.byteOffset, length: sealed.length, uncompressedLength: encoded.uncompressedLength }, sealed);
      } else {
        const plain = decodeBlobBytes(key, input, job.uncompressedLength, job.expectedId ?? '');
        reply({ seq: job.seq, id: job.expectedId ?? '', sealed: plain.buffer as ArrayBuffer, offset: plain.byteOffset, length: plain.length }, plain);
      }
    } catch (err) {
      reply({ seq: job.seq, error: err instanceof Error ? err.message : String(err), problem: err instanceof BlobDecodeError ? err.problem : undefined });
    }
  });
});
