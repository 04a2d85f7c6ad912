// LOCKSTEP_TRACE=1: each phase of a command as one line on stderr, with the milliseconds since the process started.
const enabled = Boolean(process.env.LOCKSTEP_TRACE);

export function trace(phase: string): void {
  if (enabled) process.stderr.write(`trace ${performance.now().toFixed(1).padStart(8)} ms  ${phase}\n`);
}
