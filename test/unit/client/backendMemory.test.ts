// How the extension starts its backend's memory: glibc's limits always; jemalloc preloaded where the system has it
// and the backend runs on Node; and the backend giving its child processes the environment back as it was.
import { describe, expect, it } from 'vitest';
import { backendMemoryEnv, BackendHost, JEMALLOC_CONF } from '../../../client/src/backendMemory';
import { forgetPreloadedAllocator } from '../../../shared/src/allocator';

const DEBIAN = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const host = (over: Partial<BackendHost> = {}): BackendHost => ({ env: {}, electron: false, platform: 'linux', exists: (file) => file === DEBIAN, ...over });

/** The backend's environment as the client makes it, and what it gives its children after forgetPreloadedAllocator. */
function started(h: BackendHost): { backend: NodeJS.ProcessEnv; children: NodeJS.ProcessEnv } {
  const backend = { ...h.env, ...backendMemoryEnv(h) };
  const children = { ...backend };
  forgetPreloadedAllocator(children);
  return { backend, children };
}

describe("the backend's memory settings", () => {
  it('preload jemalloc on Node where the system has it, with its settings, and hand children the environment back', () => {
    const { backend, children } = started(host({ env: { PATH: '/bin' } }));
    expect(backend).toMatchObject({ LD_PRELOAD: DEBIAN, MALLOC_CONF: JEMALLOC_CONF, MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768', MALLOC_TRIM_THRESHOLD_: '131072' });
    expect(children.LD_PRELOAD).toBeUndefined();
    expect(children.MALLOC_CONF).toBeUndefined();
    expect(Object.keys(children).filter((name) => name.startsWith('LOCKSTEP_'))).toEqual([]);
    expect(children.PATH).toBe('/bin');
  });

  it("keep the user's LD_PRELOAD after jemalloc and the user's MALLOC_CONF instead of theirs, and give both back", () => {
    const env = { LD_PRELOAD: '/opt/libtrace.so', MALLOC_CONF: 'narenas:1' };
    const { backend, children } = started(host({ env }));
    expect(backend.LD_PRELOAD).toBe(`${DEBIAN}:/opt/libtrace.so`);
    expect(backend.MALLOC_CONF).toBe('narenas:1');
    expect(children.LD_PRELOAD).toBe('/opt/libtrace.so');
    expect(children.MALLOC_CONF).toBe('narenas:1');
  });

  it('preload nothing on Electron, without the library, off Linux, with LOCKSTEP_BACKEND_JEMALLOC=0, or when the user preloads jemalloc', () => {
    for (const h of [host({ electron: true }), host({ exists: () => false }), host({ platform: 'darwin' }), host({ env: { LOCKSTEP_BACKEND_JEMALLOC: '0' } }), host({ env: { LD_PRELOAD: '/opt/jemalloc/lib/libjemalloc.so.2' } })]) {
      const env = backendMemoryEnv(h);
      expect(env.LD_PRELOAD).toBeUndefined(); // the user's own stays as it is in the inherited environment
      expect(env.MALLOC_CONF).toBeUndefined();
      expect(env.MALLOC_ARENA_MAX).toBe('2');
    }
  });

  it('find the library where another distribution keeps it', () => {
    expect(backendMemoryEnv(host({ exists: (file) => file === '/usr/lib64/libjemalloc.so.2' })).LD_PRELOAD).toBe('/usr/lib64/libjemalloc.so.2');
  });
});
