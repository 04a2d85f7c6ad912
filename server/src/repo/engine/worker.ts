// Worker thread entry (bundled as dist/worker.js): stores large files' chunks into its own pack files, and seals
// single large blobs.
import { parentPort, workerData } from 'node:worker_threads';
import { setUpProcessTuning } from '../../base/processTuning';
import { BlobDecodeError, encodeBlob } from '../format/blobcodec';
import { cryptoReady, MasterKey } from '../format/crypto';
import { DataPackStore } from './datastore';
import type { WorkerJob, WorkerResult, WorkerSetup } from './workerpool';
import { fsErrorInfo } from '../../base/fserror';
import { zstdReady } from '../format/zstd';

setUpProcessTuning(process.env);
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

function run(job: WorkerJob): void {
  if ((job.kind === 'storeChunk' || job.kind === 'storeFiles') && job.indexed) requireStore().setIndexed(job.indexed.table);
  switch (job.kind) {
    case 'storeChunk': {
      const into = requireStore();
      const { kind, id } = into.store(new Uint8Array(job.data, job.offset, job.length), job.force);
      return reply({ seq: job.seq, kind: 'storedChunk', outcome: kind, id, packs: into.takeFinished() });
    }
    case 'storeFiles': {
      const into = requireStore();
      const results = job.files.map((file) => {
        const { kind, id } = into.store(new Uint8Array(job.data, file.offset, file.length));
        return { outcome: kind, id };
      });
      return parentPort?.postMessage({ seq: job.seq, kind: 'storedFiles', results, data: job.data, packs: into.takeFinished() } satisfies WorkerResult, [job.data]);
    }
    case 'flush': {
      store?.flush();
      return reply({ seq: job.seq, kind: 'flushed', packs: store?.takeFinished() ?? [] });
    }
    case 'discard':
      store?.discard();
      return reply({ seq: job.seq, kind: 'flushed', packs: [] });
    case 'encode': {
      const encoded = encodeBlob(key, new Uint8Array(job.data, job.offset, job.length), job.compress === true);
      const sealed = encoded.sealed;
      // Node Buffers from seal() never live in shared memory.
      return reply({ seq: job.seq, kind: 'blob', id: encoded.id, sealed: sealed.buffer as ArrayBuffer, offset: sealed.byteOffset, length: sealed.length, uncompressedLength: encoded.uncompressedLength }, sealed);
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
