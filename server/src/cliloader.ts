// dist/cli.js: runs the CLI's bundle (dist/lockstep.js) from V8's code cache for it (dist/lockstep.cache, written
// by the build with this Node), so that a command does not spend 10-15 ms parsing 400 KB of JavaScript first.
// Without the cache, or when this Node's V8 rejects it, the bundle is compiled as usual.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';

export const BUNDLE = path.join(__dirname, 'lockstep.js');
export const CODE_CACHE = path.join(__dirname, 'lockstep.cache');

/** The bundle compiled as a CommonJS module's wrapper function, with `cachedData` when given. */
export function compileBundle(cachedData?: Buffer): Script {
  const source = readFileSync(BUNDLE, 'utf8');
  return new Script(Module.wrap(source.startsWith('#!') ? `//${source}` : source), { filename: BUNDLE, cachedData });
}

function readCache(): Buffer | undefined {
  try {
    return readFileSync(CODE_CACHE);
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const run = compileBundle(readCache()).runInThisContext() as (...args: unknown[]) => void;
  // This module is the bundle's `module`, so that the bundle sees itself as the program's main module.
  run.call(module.exports, module.exports, require, module, BUNDLE, __dirname);
}
