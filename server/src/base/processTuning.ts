// Process-wide tuning of memory outside the JavaScript heap: one policy, set up by the entry points (the CLI, the
// backend and the worker threads), that the code making such memory only informs. LOCKSTEP_TUNING=0 turns it off,
// leaving collections to V8 and thresholds to malloc; code that never sets it up (a test importing sources) runs
// untuned.
//
// - Cipher output. Node's ciphers return their output in fresh buffers; V8 frees such a buffer only when a
//   collection finds its small JavaScript object dead, and with little else allocated, scavenges are rare: a 1 GiB
//   restore held 50 MB of dead 64 KiB pieces. Every 8 MiB of them a scavenge is asked for (about a millisecond):
//   1 GiB restore peak RSS 143 → 116 MB (3d948e3). Only scavenges: every fourth request used to ask for a full
//   collection with gc({ type: 'major' }), which V8 11.3 (Node 20.20) runs as a scavenge (it freed none of 32 MB of
//   dead old-space objects here, where gc() freed all), so the figures above were measured with scavenges alone.
// - Large releases. scrypt's WebAssembly memory (16 MiB for restic's parameters) is given back at once after the key
//   is derived, not whenever a small heap next needs a full collection (90f36c3).
// - glibc's malloc maps each block above 128 KiB on its own and gives back the top of its heap once 128 KiB are
//   free there, until it frees such a mapped block: then the first limit becomes that block's size and the second
//   twice that. Before, the 64 KiB pieces ciphers return, freed by the hundred at each scavenge, had their pages
//   given back and faulted in again over and over. Allocating and freeing one block as large as the largest buffer
//   to come raises both limits for the whole process (worker threads gain too): 1 GiB restore 3.19 → 2.65 s, 1.2 →
//   0.8 s in the kernel, peak RSS 142 → 116 MB (1116f46); 1 GiB initial backup 5.98 → 5.26 s, 2.03 → 0.86 s in
//   the kernel, peak RSS 161 → 153 MB (3440c35). Where the allocator is another, it costs one allocation.
//
// V8's gc() is exposed to new contexts once --expose-gc is set, a flag that changes nothing else; it is set the
// first time a collection is asked for, so a command that makes no such memory never pays for the context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LockstepError } from './errors';

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/** Bytes of short-lived buffers between scavenges. */
const SCAVENGE_EVERY = 8 * 1024 * 1024;

class TunedProcess {
  private gc: Gc | null | undefined;
  private churned = 0;
  private majorQueued = false;
  private mallocRaisedTo = 0;

  private collector(): Gc | undefined {
    if (this.gc === undefined) {
      try {
        setFlagsFromString('--expose-gc');
        this.gc = runInNewContext('gc') as Gc;
      } catch {
        this.gc = null; // a runtime that refuses: collections come when V8 decides
      }
    }
    return this.gc ?? undefined;
  }

  noteCipherOutput(bytes: number): void {
    this.churned += bytes;
    if (this.churned < SCAVENGE_EVERY) return;
    this.churned = 0;
    this.collector()?.({ type: 'minor' });
  }

  noteLargeRelease(): void {
    const collect = this.collector();
    if (!collect || this.majorQueued) return;
    this.majorQueued = true;
    setImmediate(() => {
      this.majorQueued = false;
      collect();
    }).unref();
  }

  releaseIdleMemory(): void {
    // gc() without options: Node 20's V8 (11.3) takes gc({ type: 'major', ... }) for a young-generation collection,
    // which leaves every dead old-space object, and the ArrayBuffers they hold, in place (and { flavor:
    // 'last-resort' } for nothing at all). Twice: the first collection frees the dead objects but keeps every page
    // on which one survives; the second moves the survivors of such sparse pages together and gives the pages back
    // (after a 50,000-file backup: 15 MB of old generation with 7 MB in use after one, 8 MB after two).
    //
    // And both with every page a candidate for compaction, not only the ones V8 finds fragmented enough: an operation
    // leaves a few survivors on many pages (after a 50,000-file backup, twenty-odd 256 KiB pages more than at start
    // with 9 MB of live objects in all). Idle RSS over start, 10 s after the last of two warm backups
    // (`BENCH_PHASES=warm5k,warm50k BENCH_WARM_ROUNDS=2 npm run bench`, alternating runs): 5,000 files +7.5 to +8.1
    // → +6.6 to +6.7 MB; 50,000 files +8.1 to +8.9 → +5.9 to +6.3 MB. The flag is V8's, read at each full
    // collection, and off again for every collection an operation makes.
    const collect = this.collector();
    if (!collect) return;
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      collect();
      collect();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  }

  expectLargeBuffers(bytes: number): void {
    // malloc's limits only ever rise: a block no larger than one already freed changes nothing.
    if (bytes <= this.mallocRaisedTo) return;
    this.mallocRaisedTo = bytes;
    Buffer.allocUnsafeSlow(bytes);
    this.collector()?.({ type: 'minor' });
  }
}

let tuned: TunedProcess | undefined;

/** Whether LOCKSTEP_TUNING asks for the tuning: unset, empty or 1 for on, 0 for off. */
export function tuningFromEnv(env: NodeJS.ProcessEnv): boolean {
  const raw = env.LOCKSTEP_TUNING;
  if (raw === undefined || raw === '' || raw === '1') return true;
  if (raw === '0') return false;
  throw new LockstepError(`LOCKSTEP_TUNING must be 0 (off) or 1 (on), not "${raw}"`);
}

/** Called once by each entry point; until then (and with LOCKSTEP_TUNING=0) the notes below do nothing. */
export function setUpProcessTuning(env: NodeJS.ProcessEnv): void {
  if (tuningFromEnv(env)) tuned ??= new TunedProcess();
}

/** What the code making memory outside the heap tells the policy. */
export const processTuning = {
  /** `bytes` of cipher output that are garbage as soon as they are used. */
  noteCipherOutput(bytes: number): void {
    tuned?.noteCipherOutput(bytes);
  },
  /** A large block (a WebAssembly memory, say) is out of reach: a full collection on the next turn would free it. */
  noteLargeRelease(): void {
    tuned?.noteLargeRelease();
  },
  /** A long-lived process has nothing running: collect everything the last work left (rpc/idlerelease.ts). */
  releaseIdleMemory(): void {
    tuned?.releaseIdleMemory();
  },
  /** Buffers of up to `bytes` will be made and freed by the hundred from here on. */
  expectLargeBuffers(bytes: number): void {
    tuned?.expectLargeBuffers(bytes);
  },
};
