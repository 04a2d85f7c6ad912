// Memory outside the JavaScript heap that V8 would leave to pile up. Node's ciphers return their output in fresh
// buffers; V8 frees such a buffer only when a collection finds its small JavaScript object dead, and with little
// else allocated, scavenges are rare: a 1 GiB restore held 50 MB of dead 64 KiB pieces. So the code that makes
// them reports their bytes here, and every few MiB a scavenge is asked for (about a millisecond). V8's gc() is
// exposed to new contexts once --expose-gc is set, a flag that changes nothing else.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'minor' | 'major' }) => void;

/** Bytes of short-lived buffers between scavenges, and between full collections (for those that lived long enough to be promoted, such as data waiting to be written). */
const SCAVENGE_EVERY = 8 * 1024 * 1024;
const COLLECT_EVERY = 4;

let gc: Gc | null | undefined;
let churned = 0;
let scavenges = 0;
let majorQueued = false;

function collector(): Gc | undefined {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as Gc;
    } catch {
      gc = null; // a runtime that refuses: collections come when V8 decides
    }
  }
  return gc ?? undefined;
}

/** Notes `bytes` of buffers that are garbage as soon as they are used. */
export function churn(bytes: number): void {
  churned += bytes;
  if (churned < SCAVENGE_EVERY) return;
  churned = 0;
  collector()?.({ type: ++scavenges % COLLECT_EVERY === 0 ? 'major' : 'minor' });
}

/**
 * Asks for a full collection on the next turn of the event loop, once `what` (a large WebAssembly memory, say)
 * is out of reach.
 */
export function collectSoon(): void {
  const collect = collector();
  if (!collect || majorQueued) return;
  majorQueued = true;
  setImmediate(() => {
    majorQueued = false;
    collect();
  }).unref();
}

/**
 * glibc's malloc maps each block above 128 KiB on its own and gives back the top of its heap once 128 KiB are free
 * there, until it frees such a mapped block: then the first limit becomes that block's size and the second twice
 * that. Before, the 64 KiB pieces ciphers return, freed by the hundred at each scavenge, have their pages given back
 * and faulted in again over and over (a 1 GiB restore spent 0.4 s more in the kernel, a 1 GiB backup 1.2 s: the
 * limits are the process's, so worker threads gain too). Allocating and freeing one block of `bytes` raises both
 * limits; where the allocator is another, it costs one allocation.
 */
export function raiseMallocThresholds(bytes: number): void {
  Buffer.allocUnsafeSlow(bytes);
  collector()?.({ type: 'minor' });
}
