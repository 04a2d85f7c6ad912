// `npm run test:desktop`: the extension's integration suite in desktop VS Code, downloaded by @vscode/test-electron.
// It needs access to update.code.visualstudio.com, which this project's CI machine does not have (there the
// same extension is tested in real VS Code through code-server: test/e2e/). Run it on a workstation.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workspace = mkdtempSync(path.join(tmpdir(), 'lockstep-desktop-'));
try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'test', 'desktop', 'suite.cjs'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`desktop tests failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
