import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The path of a worker thread's script (`name`, e.g. "worker.js") beside the bundle this code runs from, or
 * undefined where there is none (the sources run as they are, under the tests): the caller then works on its own
 * thread.
 */
export function bundledScript(name: string): string | undefined {
  const candidate = path.join(__dirname, name);
  return existsSync(candidate) ? candidate : undefined;
}
