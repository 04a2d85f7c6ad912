// bin/lockstep, the command users run: it keeps NODE_EXTRA_CA_CERTS from Node's start-up (where Node parses the
// file, and all its own roots, before any script runs) and Lockstep uses the certificates only where it reaches a
// server over https: there it runs itself again with them. Real rest-server over TLS on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CliResult, lockstep } from '../helpers/cli';
import { describeWithPeer } from '../helpers/peers';
import { RemoteServer } from '../helpers/remote-server';
import { startRestServerTls } from '../helpers/restserver';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

const LAUNCHER = path.resolve(__dirname, '../../bin/lockstep');
const NODE_WARNING = 'Ignoring extra certs';

afterAll(cleanupTempDirs);

const viaLauncher = (args: string[], env: Record<string, string>): CliResult => lockstep(args, { env, command: [LAUNCHER] });
const viaNode = (args: string[], env: Record<string, string>): CliResult => lockstep(args, { env });

describe('bin/lockstep and NODE_EXTRA_CA_CERTS, local repository', () => {
  let work: string;
  let env: Record<string, string>;

  beforeAll(() => {
    work = makeTempDir('launcher');
    writeFileSync(path.join(work, 'file.txt'), 'launcher\n');
    // A file that does not exist: Node warns at start-up when it reads the variable, which shows when it does.
    const missing = path.join(work, 'no-such-ca.pem');
    env = {
      NODE_EXTRA_CA_CERTS: missing,
      RESTIC_REPOSITORY: path.join(work, 'repo'),
      // The password comes from a child process that insists on seeing the variable as the user set it.
      RESTIC_PASSWORD_COMMAND: `sh -c 'test "$NODE_EXTRA_CA_CERTS" = "${missing}" && test -z "$LOCKSTEP_DEFERRED_CA_CERTS" && echo pw-launcher'`,
    };
  });

  it('does not have Node read the certificates for a local repository, and children still see the variable', () => {
    const init = viaLauncher(['init'], env);
    expect(init.stderr).not.toContain(NODE_WARNING);
    expect(init.code, init.stderr).toBe(0);
    const backup = viaLauncher(['backup', path.join(work, 'file.txt')], env);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).not.toContain(NODE_WARNING);
    const listed = viaLauncher(['--json', 'snapshots'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    // Node itself, started on the bundle directly, reads the variable at start-up.
    expect(viaNode(['snapshots'], env).stderr).toContain(NODE_WARNING);
  });
});

describe('bin/lockstep and GLIBC_TUNABLES', () => {
  // The password command, run by Lockstep through a shell, checks the environment the Lockstep process started with
  // (/proc/<pid>/environ of its node ancestor: huge pages asked for; glibc rewrites the variable there as it parses
  // it, so only its start is compared; and V8's young generation kept small on its command line) and its own (the
  // user's, unchanged).
  const CHECK = [
    'p=$PPID',
    'while [ "$(cat /proc/$p/comm)" != node ]; do p=$(cut -d" " -f4 /proc/$p/stat); [ "$p" -gt 1 ] || exit 3; done',
    'tr "\\0" "\\n" < /proc/$p/environ | grep -q "^GLIBC_TUNABLES=glibc.malloc.hugetlb=1" || exit 4',
    'tr "\\0" "\\n" < /proc/$p/cmdline | grep -qx -- "--max-semi-space-size=4" || exit 7',
    'test "${GLIBC_TUNABLES-unset}" = "$1" || exit 5',
    'test -z "$LOCKSTEP_HUGEPAGES_SET$LOCKSTEP_USER_GLIBC_TUNABLES" || exit 6',
    'echo pw-tunables',
  ].join('\n');

  it("starts Lockstep with huge pages for large blocks and a small young generation, and gives children the user's own tunables back", () => {
    const work = makeTempDir('launcher-tunables');
    const check = path.join(work, 'check.sh');
    writeFileSync(check, `${CHECK}\n`);
    const repo = path.join(work, 'repo');
    const unset = viaLauncher(['init'], { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_COMMAND: `sh ${check} unset` });
    expect(unset.code, unset.stderr).toBe(0);
    const userTunables = 'glibc.malloc.arena_max=2';
    const set = viaLauncher(['snapshots'], { RESTIC_REPOSITORY: repo, GLIBC_TUNABLES: userTunables, RESTIC_PASSWORD_COMMAND: `sh ${check} ${userTunables}` });
    expect(set.code, set.stderr).toBe(0);
    // The check can fail: Lockstep started on its bundle directly has no such setting.
    const direct = viaNode(['snapshots'], { RESTIC_REPOSITORY: repo, RESTIC_PASSWORD_COMMAND: `sh ${check} unset` });
    expect(direct.stderr).toMatch(/the password command failed/);
  });
});

describeWithPeer('rest-server', 'bin/lockstep and NODE_EXTRA_CA_CERTS, REST server over https', () => {
  let work: string;
  let cert: string;
  let server: RemoteServer;

  beforeAll(async () => {
    work = makeTempDir('launcher-tls');
    cert = path.join(work, 'cert.pem');
    const key = path.join(work, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    writeFileSync(path.join(work, 'file.txt'), 'over tls\n');
    server = await startRestServerTls(cert, key)(work);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('trusts the server through the certificates the user gave, and refuses it without them', () => {
    const base = { RESTIC_REPOSITORY: server.location, RESTIC_PASSWORD: 'pw-tls' };
    // Refused at once (a certificate is not retried for the backend's minute) with a sentence that says why.
    const started = Date.now();
    const untrusted = viaLauncher(['init'], base);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^Fatal: cannot reach the REST server .*: its certificate is not trusted \(self-signed certificate\); .*NODE_EXTRA_CA_CERTS$/m);
    expect(Date.now() - started).toBeLessThan(10_000);

    const trusted = { ...base, NODE_EXTRA_CA_CERTS: cert };
    const init = viaLauncher(['init'], trusted);
    expect(init.code, init.stderr).toBe(0);
    const backup = viaLauncher(['--json', 'backup', path.join(work, 'file.txt')], trusted);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout.trim().split('\n').at(-1)!).message_type).toBe('summary');
    const listed = viaLauncher(['--json', 'snapshots'], trusted);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });
});

describe('dist/cli.js and the code cache of the bundle', () => {
  const dist = path.dirname(CLI);

  it('is accepted by the Node that built it', () => {
    const probe = `const l = require(${JSON.stringify(CLI)}); const s = l.compileBundle(require('node:fs').readFileSync(l.CODE_CACHE)); process.stdout.write(String(s.cachedDataRejected));`;
    const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('false');
  });

  it('runs the CLI as before with a cache V8 rejects, or none', () => {
    const copy = makeTempDir('loader');
    for (const file of ['cli.js', 'lockstep.js']) copyFileSync(path.join(dist, file), path.join(copy, file));
    const command = [process.execPath, path.join(copy, 'cli.js')];
    const version = (): CliResult => lockstep(['version'], { command });
    const without = version();
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout).toMatch(/^lockstep \d+\.\d+\.\d+ on node v/);
    writeFileSync(path.join(copy, 'lockstep.cache'), Buffer.alloc(4096, 7));
    const rejected = version();
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toBe(without.stdout);
    const missing = lockstep(['snapshots'], { command, repo: path.join(copy, 'none'), password: 'x' });
    expect(missing.code).toBe(10);
    expect(missing.stderr).toMatch(/^Fatal: /);
  });
});
