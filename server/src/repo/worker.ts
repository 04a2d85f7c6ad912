// Worker thread entry (bundled as dist/worker.js): compresses and seals blobs for the backup pipeline.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeBlob } from './blobcodec';
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

parentPort?.on('message', (job: WorkerJob) => {
  void ready.then(() => {
    let result: WorkerResult;
    try {
      const encoded = encodeBlob(key, new Uint8Array(job.data, job.offset, job.length), job.compress);
      const sealed = encoded.sealed;
      const buffer = sealed.buffer as ArrayBuffer; // Node Buffers from seal() are never shared memory
      result = { seq: job.seq, id: encoded.id, sealed: buffer, offset: sealed.byteOffset, length: sealed.length, uncompressedLength: encoded.uncompressedLength };
      parentPort?.postMessage(result, sealed.byteOffset === 0 && sealed.length === buffer.byteLength ? [buffer] : []);
    } catch (err) {
      result = { seq: job.seq, error: err instanceof Error ? err.message : String(err) };
      parentPort?.postMessage(result);
    }
  });
});
