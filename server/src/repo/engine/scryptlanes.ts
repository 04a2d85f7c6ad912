// scrypt's lanes on two threads. Opening a repository derives its key with scrypt, whose p lanes (4 to 7 with the
// parameters restic 0.14 calibrates here) are independent of one another: restic and OpenSSL mix them one after
// another on one core, about 470 ms of every command. Here this thread and, where the caller wants it, a helper
// thread take lanes from a shared counter, each mixing in a WebAssembly instance of its own (repo/wasm/scryptwasm.ts),
// and PBKDF2 joins them as usual. Measured on this project's 2-core AMD EPYC (N=2^15, r=8, p=6): OpenSSL 480-500 ms,
// the WebAssembly mixer on one thread 345 ms, on both 210-230 ms. The helper costs a second 16 MiB instance and a
// thread (~18 MB of peak RSS in all) while the key is derived.
//
// The helper only helps: this thread starts at once and takes every lane the helper has not taken, so a helper that
// starts late or not at all changes nothing but the time; a lane it took and did not finish (it failed) is mixed
// here again from its input.
import { pbkdf2Sync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { bundledScript } from '../../base/bundle';
import { trace } from '../../base/trace';
import { KdfParams, opensslScrypt, Scrypt } from '../format/key';
import { ScryptLaneMixer } from '../wasm/scryptwasm';

/** What the helper thread (scryptworker.ts, bundled as dist/scrypt.js) is started with. */
export interface ScryptHelperStart {
  /** p lanes of 128·r bytes, mixed in place. */
  lanes: SharedArrayBuffer;
  /** Int32 words: the next lane to take, then one state per lane (LANE_MIXED once its output is in `lanes`). */
  control: SharedArrayBuffer;
  N: number;
  r: number;
  p: number;
}

export const NEXT_LANE = 0;
export const LANE_STATE = 1;
export const LANE_MIXED = 1;

/** Below this much memory per lane (128·N·r) a lane takes under a few milliseconds, less than a thread's start. */
const LANE_BYTES_WORTH_A_THREAD = 4 * 1024 * 1024;

/**
 * scrypt on this thread and, where it pays (two cores or more, two lanes or more, lanes large enough), a helper thread
 * running `script`; with how many lanes the helper mixed. Undefined where this runtime has no WebAssembly SIMD.
 */
export async function mixLanesOnThreads(password: Buffer, salt: Buffer, kdf: KdfParams, dkLen: number, script: string | undefined): Promise<{ key: Buffer; helperLanes: number } | undefined> {
  const { N, r, p } = kdf;
  const mixer = ScryptLaneMixer.create(N, r);
  if (mixer === undefined) return undefined;
  const laneBytes = 128 * r;
  const input = pbkdf2Sync(password, salt, 1, p * laneBytes, 'sha256');
  const sharedLanes = new SharedArrayBuffer(p * laneBytes);
  const lanes = Buffer.from(sharedLanes);
  input.copy(lanes);
  const sharedControl = new SharedArrayBuffer(4 * (LANE_STATE + p));
  const control = new Int32Array(sharedControl);
  const helpful = script !== undefined && p >= 2 && laneBytes * N >= LANE_BYTES_WORTH_A_THREAD && availableParallelism() >= 2;
  const helper = helpful ? ScryptHelper.start(script, { lanes: sharedLanes, control: sharedControl, N, r, p }) : undefined;
  try {
    let ownLanes = 0;
    for (let lane = Atomics.add(control, NEXT_LANE, 1); lane < p; lane = Atomics.add(control, NEXT_LANE, 1)) {
      mixer.mix(lanes, lane);
      Atomics.store(control, LANE_STATE + lane, LANE_MIXED);
      ownLanes++;
      // A lane is ~50 ms of this thread: let what waits on the event loop (a listing, a thread's start, the backend's
      // requests and lock refreshes) go on between lanes.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const unmixed = (): number[] => [...Array(p).keys()].filter((lane) => Atomics.load(control, LANE_STATE + lane) !== LANE_MIXED);
    while (helper !== undefined && unmixed().length > 0 && (await helper.nextEvent()) === 'lane');
    for (const lane of unmixed()) {
      input.copy(lanes, lane * laneBytes, lane * laneBytes, (lane + 1) * laneBytes);
      mixer.mix(lanes, lane);
      ownLanes++;
    }
    if (helper) trace(`key derivation: ${p - ownLanes} of ${p} lanes on a helper thread`);
    return { key: pbkdf2Sync(password, lanes, 1, dkLen, 'sha256'), helperLanes: p - ownLanes };
  } finally {
    input.fill(0);
    lanes.fill(0);
    mixer.wipe();
    void helper?.stop();
  }
}

/** The helper thread: says 'lane' after each lane it mixed, and ends when no lane is left. */
class ScryptHelper {
  private readonly worker: Worker;
  private waiting: ((event: 'lane' | 'gone') => void) | undefined;
  private gone = false;

  /** The helper, or undefined where no thread can start (this thread then mixes every lane). */
  static start(script: string, start: ScryptHelperStart): ScryptHelper | undefined {
    try {
      return new ScryptHelper(script, start);
    } catch (err) {
      trace(`key derivation: no helper thread (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  }

  private constructor(script: string, start: ScryptHelperStart) {
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new WorkerThread(script, { workerData: start, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    const tell = (event: 'lane' | 'gone'): void => {
      if (event === 'gone') this.gone = true;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.(event);
    };
    this.worker.on('message', () => tell('lane'));
    this.worker.on('error', () => tell('gone'));
    this.worker.on('exit', () => tell('gone'));
  }

  /** Resolves when the helper mixed a lane, or with 'gone' once it has ended (then it writes nothing more). */
  nextEvent(): Promise<'lane' | 'gone'> {
    if (this.gone) return Promise.resolve('gone');
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async stop(): Promise<void> {
    if (!this.gone) await this.worker.terminate();
  }
}

/**
 * How keys are derived. By default the WebAssembly mixer: on this thread alone it is faster than OpenSSL's scrypt in
 * half its memory (N=2^15, r=8, p=6 here: 345 against 480-500 ms, 16 against 32 MiB); with a helper thread only when
 * `helperWanted()` says so at the moment the key is derived, because two instances and a thread peak ~18 MB above one
 * (an unchanged backup's peak RSS 86 → 94-97 MB): worth it only where the command will hold more anyway.
 * LOCKSTEP_SCRYPT=openssl for OpenSSL's, =wasm for the mixer on one thread always, =threads for a helper always.
 * OpenSSL's where WebAssembly SIMD is missing.
 */
export function scryptFor(env: NodeJS.ProcessEnv = process.env, helperWanted: () => boolean = () => false): Scrypt {
  const choice = env.LOCKSTEP_SCRYPT;
  if (choice === 'openssl') return opensslScrypt;
  const withHelper = (): boolean => choice === 'threads' || (choice !== 'wasm' && helperWanted());
  return async (password, salt, kdf, dkLen) => {
    const mixed = await mixLanesOnThreads(password, salt, kdf, dkLen, withHelper() ? bundledScript('scrypt.js') : undefined);
    return mixed?.key ?? opensslScrypt(password, salt, kdf, dkLen);
  };
}
