// The helper thread of scryptlanes.ts (bundled as dist/scrypt.js): mixes the lanes it takes from the shared counter
// until none is left, saying 'lane' after each, then wipes its mixer and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { ScryptLaneMixer } from '../wasm/scryptwasm';
import { LANE_MIXED, LANE_STATE, NEXT_LANE, type ScryptHelperStart } from './scryptlanes';

const { lanes: sharedLanes, control: sharedControl, N, r, p } = workerData as ScryptHelperStart;
const control = new Int32Array(sharedControl);
const lanes = Buffer.from(sharedLanes);
const mixer = ScryptLaneMixer.create(N, r);
if (mixer !== undefined) {
  for (let lane = Atomics.add(control, NEXT_LANE, 1); lane < p; lane = Atomics.add(control, NEXT_LANE, 1)) {
    mixer.mix(lanes, lane);
    Atomics.store(control, LANE_STATE + lane, LANE_MIXED);
    parentPort?.postMessage('lane');
  }
  mixer.wipe();
}
