// The allocator the extension may preload into its backend process (client/src/backendMemory.ts), and how the
// backend takes it out of the environment its own child processes get (a password command): the
// allocator is the backend's, not theirs.
/** The library the client added to LD_PRELOAD, when it added one. */
export const PRELOADED_ALLOCATOR = 'LOCKSTEP_PRELOADED_ALLOCATOR';
/** Set when the client set MALLOC_CONF (the user had none). */
export const ALLOCATOR_CONF_SET = 'LOCKSTEP_ALLOCATOR_CONF_SET';

/** Puts LD_PRELOAD and MALLOC_CONF in `env` back as they were before the client added to them. */
export function forgetPreloadedAllocator(env: NodeJS.ProcessEnv): void {
  const library = env[PRELOADED_ALLOCATOR];
  if (library !== undefined) {
    const rest = (env.LD_PRELOAD ?? '').split(/[: ]/).filter((entry) => entry !== '' && entry !== library);
    if (rest.length > 0) env.LD_PRELOAD = rest.join(':');
    else delete env.LD_PRELOAD;
  }
  if (env[ALLOCATOR_CONF_SET] !== undefined) delete env.MALLOC_CONF;
  delete env[PRELOADED_ALLOCATOR];
  delete env[ALLOCATOR_CONF_SET];
}
