// Worker thread entry (bundled as dist/writer.js): writes restored small files, so that creating them (the
// kernel's work, most of a restore of many small files) runs on two cores. Only `fs`: a small thread.
import { parentPort } from 'node:worker_threads';
import type { WriteBatch, WriteResults } from './filewriter';
import { writeRestoredFile } from './writefile';

parentPort?.on('message', (batch: WriteBatch) => {
  const data = Buffer.from(batch.data);
  const results: WriteResults = {
    seq: batch.seq,
    failures: batch.files.map((file) => {
      try {
        writeRestoredFile(file.path, data.subarray(file.offset, file.offset + file.length), file.meta, file.replace);
        return undefined;
      } catch (err) {
        const { code, syscall, message } = (err ?? {}) as NodeJS.ErrnoException;
        return { code: code ?? 'EIO', syscall: syscall ?? 'write', message: message ?? String(err) };
      }
    }),
  };
  // The batch's memory goes back to be filled again: left here, it would wait for a collection this thread never needs.
  parentPort?.postMessage({ ...results, data: batch.data } satisfies WriteResults, [batch.data]);
});
