// The tree read-ahead's thread (bundled as dist/readahead.js): walks the plan it is sent into the shared ring, then
// closes it. Only `fs`, SHA-256, zstd and the backup's filters: a small thread that starts fast.
import { parentPort, workerData } from 'node:worker_threads';
import { RingWriter } from './ring';
import { walkAhead, type ReadAheadPlan } from './walk';
import type { ReadAheadStart } from './source';
import { zstdReady } from '../../repo/format/zstd';

const { memory } = workerData as ReadAheadStart;
const ring = new RingWriter(memory);
parentPort?.once('message', (plan: ReadAheadPlan) => {
  void (plan.compress ? zstdReady() : Promise.resolve())
    .then(() => walkAhead(plan, ring))
    .finally(() => ring.close());
});
