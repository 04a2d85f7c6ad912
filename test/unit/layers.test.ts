// scripts/check-layers.mjs, run as `npm test` runs it, over small trees: one import across each forbidden line,
// beside imports the rules allow.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const SCRIPT = path.resolve(__dirname, '../../scripts/check-layers.mjs');

function tree(files: Record<string, string>): string {
  const root = makeTempDir('layers');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

function check(root: string): { code: number | null; lines: string[] } {
  const result = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { code: result.status, lines: result.stderr.split('\n').filter(Boolean) };
}

/** Every layer's files, each importing only what the rules allow. */
const CLEAN = {
  'server/src/base/clock.ts': "import { fail } from './errors';\nexport const clock = fail;\n",
  'server/src/base/errors.ts': 'export const fail = 1;\n',
  'server/src/backend/local.ts': "import { clock } from '../base/clock';\nexport const local = clock;\n",
  'server/src/lock/held.ts': "import { local } from '../backend/local';\nimport { format } from '../repo/format';\nexport const held = local + format;\n",
  'server/src/repo/format.ts': "import { local } from '../backend/local';\nexport const format = local;\n",
  'server/src/ops/backup.ts': "import { held } from '../lock/held';\nimport { format } from '../repo/format';\nexport const backup = held + format;\n",
  'server/src/cli/commands.ts': "import { backup } from '../ops/backup';\nexport const commands = backup;\n",
  'server/src/rpc/operations.ts': "import { backup } from '../ops/backup';\nexport const operations = backup;\n",
  'server/src/server.ts': "import { operations } from './rpc/operations';\nexport const server = operations;\n",
  'shared/src/protocol.ts': 'export type Request = { id: number };\n',
  'shared/src/contract.ts': "import type { Request } from './protocol';\nexport type Contract = Request;\n",
  'client/src/extension.ts':
    "import type { Request } from '../../shared/src/protocol';\nimport type { Contract } from '../../shared/src/contract';\nexport type Both = Request & Contract;\n",
};

describe('check-layers', () => {
  it('passes a tree whose imports keep to the layers', () => {
    expect(check(tree(CLEAN))).toEqual({ code: 0, lines: [] });
  });

  it('fails on an import across each forbidden line, naming the file, the line and the rule', () => {
    const root = tree({
      ...CLEAN,
      'client/src/bad.ts': "// reaches into the server\nimport { backup } from '../../server/src/ops/backup';\nexport const b = backup;\n",
      'server/src/base/bad.ts': "export const b = require('../lock/held');\n",
      'server/src/repo/bad.ts': "export const b = import('../ops/backup');\n",
      'server/src/backend/bad.ts': "import { clock } from '../base/clock';\nimport type { held } from '../lock/held';\nexport const b = clock;\n",
      'server/src/ops/bad.ts': "import { server } from '../server';\nexport const b = server;\n",
      'server/src/lock/bad.ts': "import { backup } from '../ops/backup';\nexport const b = backup;\n",
      'shared/src/bad.ts': "import { fail } from '../../server/src/base/errors';\nexport const b = fail;\n",
    });
    const { code, lines } = check(root);
    expect(code).toBe(1);
    expect(lines).toEqual([
      'client/src/bad.ts:2: imports server/src/ops/backup.ts: the extension imports only the shared contract, never the server (its bundle must hold no server code)',
      'server/src/backend/bad.ts:2: imports server/src/lock/held.ts: backends store bytes under names: they know neither the repository format nor the locks',
      'server/src/base/bad.ts:1: imports server/src/lock/held.ts: base pieces (clock, retry, errors, ...) sit below every other layer',
      'server/src/lock/bad.ts:1: imports server/src/ops/backup.ts: the lock is applied around operations (runLocked and the guarded backend) and knows none of them',
      'server/src/ops/bad.ts:1: imports server/src/server.ts: operations are run by the CLI and the JSON-RPC backend alike, and import neither',
      'server/src/repo/bad.ts:1: imports server/src/ops/backup.ts: the format layer knows no operation and no transport',
      'shared/src/bad.ts:1: imports server/src/base/errors.ts: the shared contract and location parsing are imported by the extension: nothing of the server may come with them',
      '7 import(s) cross a layer they must not (rules in scripts/check-layers.mjs)',
    ]);
  });
});
