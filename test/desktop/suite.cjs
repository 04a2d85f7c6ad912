// Runs inside desktop VS Code's extension host (see run.mjs): the extension activates, contributes its commands,
// and backs up the workspace into a repository it initialises, as the palette's commands do.
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readdirSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async () => {
  const extension = vscode.extensions.getExtension('lockstep.lockstep');
  assert.ok(extension, 'the extension is installed');
  const api = await extension.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['backupNow', 'prune', 'forget', 'unlock', 'unlockAll', 'showSnapshots', 'restore', 'check', 'init', 'showLocks', 'setPassword', 'showLog']) {
    assert.ok(commands.includes(`lockstep.${id}`), `lockstep.${id} is registered`);
  }
  const work = mkdtempSync(path.join(tmpdir(), 'lockstep-desktop-repo-'));
  const passwordFile = path.join(work, 'password');
  writeFileSync(passwordFile, 'desktop test\n');
  const config = vscode.workspace.getConfiguration('lockstep');
  await config.update('repository', path.join(work, 'repo'), vscode.ConfigurationTarget.Global);
  await config.update('passwordFile', passwordFile, vscode.ConfigurationTarget.Global);
  await config.update('paths', [__dirname], vscode.ConfigurationTarget.Global);
  execFileSync(process.execPath, [path.join(extension.extensionPath, 'dist', 'cli.js'), 'init'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', RESTIC_REPOSITORY: path.join(work, 'repo'), RESTIC_PASSWORD_FILE: passwordFile },
  });
  await api.backend.restart();
  const result = await api.runner.run('desktop test');
  assert.ok(result && /^[0-9a-f]{64}$/.test(result.snapshotId), 'Back Up Now saved a snapshot');
  assert.strictEqual(readdirSync(path.join(work, 'repo', 'snapshots')).length, 1);
  assert.deepStrictEqual(readdirSync(path.join(work, 'repo', 'locks')), []);
};
