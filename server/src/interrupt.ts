// Ctrl-C and SIGTERM, the same way in the CLI and the backend process: the first one stops the work (the lock is
// removed on its way out, as after a cancel), a second one exits at once with 130, as restic does.
import { ExitCode } from './base/errors';

/** Calls `stop` on the first SIGINT or SIGTERM; returns the function that removes the handlers again. */
export function onInterrupt(stop: () => void): () => void {
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
