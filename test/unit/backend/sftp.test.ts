// The SFTP backend against a real OpenSSH sshd on 127.0.0.1 (test/helpers/sshd.ts): restic's layout and semantics,
// host key checking, key file and ssh-agent login, a hung server and a dead one, and the CLI end to end with
// restic 0.18 reading what Lockstep wrote. No mocks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../server/src/backend/backend';
import { parseLocation, type SftpLocation } from '../../../shared/src/location';
import { appendKnownHost, HostKeyChangedError, knownKeysFor, UnknownHostKeyError } from '../../../server/src/backend/knownhosts';
import { SftpBackend } from '../../../server/src/backend/sftp';
import { lockstepOk } from '../../helpers/cli';
import { expectSameTree, makeSourceTree } from '../../helpers/fstree';
import { freePort } from '../../helpers/net';
import { peerAvailable, requirePeer, runRestic } from '../../helpers/peers';
import { waitFor } from '../../helpers/process';
import { sshdAvailable, startSshdServer, type SshdServer } from '../../helpers/sshd';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

const ID = 'ab'.repeat(32);
const ID2 = 'cd'.repeat(32);
const id = (): string => randomBytes(32).toString('hex');

describe('known_hosts lines', () => {
  const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIBHnHsrcjoc2rAXrEvYKzzMpqY77m5v8A2vES7glFgUr';
  it('patterns, negations, [host]:port names, @revoked and @cert-authority markers', () => {
    const text = [
      '# comment',
      `alpha,*.example.com,!bad.example.com ssh-ed25519 ${KEY} comment`,
      `[127.0.0.1]:2222 ssh-ed25519 ${KEY}`,
      `@cert-authority *.example.com ssh-ed25519 ${KEY}`,
      `@revoked * ssh-rsa ${KEY}`,
      'broken line',
    ].join('\n');
    const types = (name: string) => knownKeysFor(text, name).map((k) => `${k.marker ?? ''}${k.keyType}`);
    expect(types('alpha')).toEqual(['ssh-ed25519', '@revokedssh-rsa']);
    expect(types('www.EXAMPLE.com')).toEqual(['ssh-ed25519', '@revokedssh-rsa']);
    expect(types('bad.example.com')).toEqual(['@revokedssh-rsa']);
    expect(types('[127.0.0.1]:2222')).toEqual(['ssh-ed25519', '@revokedssh-rsa']);
    expect(types('127.0.0.1')).toEqual(['@revokedssh-rsa']);
  });

  it('appendKnownHost writes `[host]:port type key` (plain host on port 22) after a last line without a newline', () => {
    const file = path.join(makeTempDir('kh'), 'deep', '.ssh', 'known_hosts');
    appendKnownHost(file, 'h', 22, 'ssh-ed25519', KEY);
    writeFileSync(file, readFileSync(file, 'utf8').trimEnd());
    appendKnownHost(file, '::1', 2222, 'ssh-ed25519', KEY);
    expect(readFileSync(file, 'utf8')).toBe(`h ssh-ed25519 ${KEY}\n[::1]:2222 ssh-ed25519 ${KEY}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });
});

// Without sshd the suite is skipped on a developer machine but fails in CI.
const suite = sshdAvailable() || process.env.CI ? describe : describe.skip;

suite('SFTP backend against OpenSSH sshd', () => {
  let work: string;
  let home: string;
  let server: SshdServer;
  const backends: SftpBackend[] = [];
  const children: ChildProcess[] = [];

  /** A backend for `location` (the server's repository by default) with the server's key and known_hosts. */
  const open = (env: Record<string, string | undefined> = {}, location = server.location): SftpBackend => {
    const backend = new SftpBackend(parseLocation(location) as SftpLocation, { HOME: home, USER: 'nobody-here', ...server.lockstepEnv, LOCKSTEP_BACKEND_RETRY_MS: '0', ...env });
    backends.push(backend);
    return backend;
  };
  const at = (...parts: string[]): string => path.join(server.repoPath, ...parts);
  const fingerprint = (): string => spawnSync('ssh-keygen', ['-lf', `${server.hostKey}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];

  beforeAll(async () => {
    if (!sshdAvailable()) throw new Error('sshd (openssh-server) is not installed');
    work = makeTempDir('sftp');
    home = path.join(work, 'home'); // an empty HOME: no ~/.ssh keys or known_hosts sneak in
    mkdirSync(home);
    server = await startSshdServer(work);
    await open().create();
  }, 30_000);

  afterEach(async () => {
    server.resume();
    if (server.pid() === undefined) await server.restart(); // a test that killed it failed before restarting it
    await Promise.all(backends.splice(0).map((b) => b.close()));
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  afterAll(async () => {
    await Promise.all(backends.splice(0).map((b) => b.close()));
    await server?.stop();
    cleanupTempDirs();
  });

  it("creates restic's sftp layout (256 data/XX folders, 0700) and refuses to create over a config", async () => {
    expect(readdirSync(server.repoPath).sort()).toEqual(['data', 'index', 'keys', 'locks', 'snapshots']);
    expect(readdirSync(at('data')).sort()).toEqual(Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')));
    expect(statSync(server.repoPath).mode & 0o777).toBe(0o700);
    expect(statSync(at('data', '7f')).mode & 0o777).toBe(0o700);
    const backend = open();
    expect(backend.location).toBe(server.location);
    await backend.create(); // mkdir -p semantics: the folders being there is fine
    await backend.save({ type: 'config', name: '' }, Buffer.from('config bytes'));
    await expect(backend.create()).rejects.toThrow(/already exists \(config file found\)/);
    expect(await backend.list('config')).toEqual([{ name: 'config', size: 12 }]);
  });

  it('saves into data/XX atomically (no temp names left), loads whole files and ranges, stats, lists and removes', async () => {
    const backend = open();
    await backend.save({ type: 'data', name: ID }, [Buffer.from('hello '), new Uint8Array(Buffer.from('world'))]);
    await backend.save({ type: 'snapshots', name: ID2 }, Buffer.from('snapshot'));
    const file = at('data', 'ab', ID);
    expect(readFileSync(file, 'utf8')).toBe('hello world');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(at('data', 'ab'))).toEqual([ID]);
    expect(readdirSync(at('snapshots'))).toEqual([ID2]);

    expect((await backend.load({ type: 'data', name: ID })).toString()).toBe('hello world');
    expect((await backend.load({ type: 'data', name: ID }, { offset: 6, length: 5 })).toString()).toBe('world');
    expect((await backend.load({ type: 'data', name: ID }, { offset: 6 })).toString()).toBe('world');
    expect((await backend.load({ type: 'data', name: ID }, { offset: 2, length: 0 })).length).toBe(0);
    expect((await backend.load({ type: 'data', name: ID }, { offset: 8, length: 10 })).toString()).toBe('rld'); // short at EOF, as local
    expect(await backend.stat({ type: 'data', name: ID })).toEqual({ name: ID, size: 11 });
    expect(await backend.list('data')).toEqual([{ name: ID, size: 11 }]);
    expect(await backend.list('snapshots')).toEqual([{ name: ID2, size: 8 }]);
    expect(await backend.list('locks')).toEqual([]);

    // Saving the same content-addressed name again replaces it (posix-rename).
    await backend.save({ type: 'data', name: ID }, Buffer.from('hello world'));
    expect(readdirSync(at('data', 'ab'))).toEqual([ID]);

    await backend.remove({ type: 'data', name: ID });
    await backend.remove({ type: 'data', name: ID }); // already gone: fine
    await backend.remove({ type: 'snapshots', name: ID2 });
    expect(await backend.list('data')).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('missing files are NotFoundError; temp files and folders are not listed; missing folders list as empty', async () => {
    const backend = open();
    await expect(backend.load({ type: 'snapshots', name: ID })).rejects.toBeInstanceOf(NotFoundError);
    await expect(backend.load({ type: 'data', name: ID }, { offset: 1, length: 2 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(backend.stat({ type: 'keys', name: ID })).rejects.toBeInstanceOf(NotFoundError);
    writeFileSync(at('index', `${ID}-tmp-123456`), 'partial');
    mkdirSync(at('index', 'not-a-file'));
    expect(await backend.list('index')).toEqual([]);

    // A bare folder without restic's sub-folders: lists are empty; a pack's data/XX is made on demand.
    const bare = path.join(work, 'bare');
    mkdirSync(bare);
    const other = open({}, `sftp://root@127.0.0.1:${server.port}/${bare}`);
    expect(await other.list('data')).toEqual([]);
    expect(await other.list('locks')).toEqual([]);
    await other.save({ type: 'data', name: ID2 }, Buffer.from('pack'));
    expect(readFileSync(path.join(bare, 'data', 'cd', ID2), 'utf8')).toBe('pack');
    expect(await other.list('data')).toEqual([{ name: ID2, size: 4 }]);
  });

  it('lists temporary files with their times, and removes only those', async () => {
    const backend = open();
    const staged = `data/0f/lockstep-host-42-0123abcd-0-tmp-1`;
    const saving = `snapshots/${ID}-tmp-9f8e7d6c5b4a`;
    writeFileSync(at(staged), 'half a pack');
    writeFileSync(at(saving), 'half');
    const then = new Date('2020-01-02T03:04:05Z');
    utimesSync(at(staged), then, then);
    const listed = (await backend.listTemporary()).filter((f) => f.path === staged || f.path === saving);
    expect(listed.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: staged, size: 11, mtimeMs: then.getTime() },
      { path: saving, size: 4, mtimeMs: expect.any(Number) },
    ]);
    await expect(backend.removeTemporary('config')).rejects.toThrow(/not a temporary file of the repository/);
    await expect(backend.removeTemporary('data/0f/../../config-tmp-1')).rejects.toThrow(/not a temporary file of the repository/);
    await backend.removeTemporary(staged);
    await backend.removeTemporary(saving);
    expect(existsSync(at(staged)) || existsSync(at(saving))).toBe(false);
  });

  it('a relative path is under the login folder; location reads as the user wrote it', async () => {
    for (const location of ['sftp:user@host:/srv/repo', 'sftp:host:relative/repo', 'sftp://u@[::1]:2222//srv/repo', 'sftp://u@host:2222/rel']) {
      expect(new SftpBackend(parseLocation(location) as SftpLocation, {}).location).toBe(location);
    }
    const relative = `lockstep-sftp-test-${process.pid}-${Date.now()}`;
    const backend = open({}, `sftp://root@127.0.0.1:${server.port}/${relative}`);
    try {
      await backend.create();
      await backend.save({ type: 'keys', name: ID }, Buffer.from('k'));
      expect(readFileSync(path.join('/root', relative, 'keys', ID), 'utf8')).toBe('k'); // root's login folder
    } finally {
      rmSync(path.join('/root', relative), { recursive: true, force: true });
    }
  });

  it('moves a 16 MiB pack quickly (pipelined reads and writes)', async () => {
    const backend = open();
    const pack = randomBytes(16 * 1024 * 1024);
    const name = id();
    await backend.list('keys'); // connect first: time the transfer only
    let started = performance.now();
    await backend.save({ type: 'data', name }, [pack.subarray(0, 5_000_000), pack.subarray(5_000_000)]);
    const saveMs = performance.now() - started;
    started = performance.now();
    const loaded = await backend.load({ type: 'data', name });
    const loadMs = performance.now() - started;
    expect(createHash('sha256').update(loaded).digest('hex')).toBe(createHash('sha256').update(pack).digest('hex'));
    const range = await backend.load({ type: 'data', name }, { offset: 3_333_333, length: 1_000_001 });
    expect(range.equals(pack.subarray(3_333_333, 4_333_334))).toBe(true);
    const mibs = (ms: number): string => (16 / (ms / 1000)).toFixed(0);
    console.log(`sftp loopback: save 16 MiB in ${saveMs.toFixed(0)} ms (${mibs(saveMs)} MiB/s), load in ${loadMs.toFixed(0)} ms (${mibs(loadMs)} MiB/s)`);
    expect(saveMs).toBeLessThan(5000);
    expect(loadMs).toBeLessThan(5000);
  });

  describe('host keys', () => {
    it('an unknown host is an UnknownHostKeyError with the fingerprint ssh-keygen prints', async () => {
      const knownHosts = path.join(work, 'kh-empty', 'known_hosts');
      const backend = open({ LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts });
      const err = await backend.list('keys').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnknownHostKeyError);
      const unknown = err as UnknownHostKeyError;
      expect(unknown.fingerprint).toBe(fingerprint());
      expect(unknown).toMatchObject({ host: '127.0.0.1', port: server.port, keyType: 'ssh-ed25519', knownHostsFile: knownHosts });
      expect(unknown.keyBase64).toBe(readFileSync(`${server.hostKey}.pub`, 'utf8').split(' ')[1]);
      expect(unknown.message).toBe(
        `the SFTP server 127.0.0.1:${server.port} is not a known host (ssh-ed25519 key ${fingerprint()}); add it to ${knownHosts} (ssh-keyscan), or set LOCKSTEP_SFTP_ACCEPT_HOST_KEY=${fingerprint()} to trust it`,
      );
      expect(existsSync(knownHosts)).toBe(false);
    });

    it('LOCKSTEP_SFTP_ACCEPT_HOST_KEY with the right fingerprint trusts the key and records it in known_hosts (0600 in a 0700 folder)', async () => {
      const dir = path.join(work, 'kh-accept', '.ssh');
      const knownHosts = path.join(dir, 'known_hosts');
      await expect(open({ LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts, LOCKSTEP_SFTP_ACCEPT_HOST_KEY: 'SHA256:not-this-one' }).list('keys')).rejects.toBeInstanceOf(UnknownHostKeyError);
      await open({ LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts, LOCKSTEP_SFTP_ACCEPT_HOST_KEY: fingerprint() }).list('keys');
      const hostKey = readFileSync(`${server.hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      expect(readFileSync(knownHosts, 'utf8')).toBe(`[127.0.0.1]:${server.port} ${hostKey}\n`);
      expect(statSync(knownHosts).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      await open({ LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts }).list('keys'); // known from now on
      // OpenSSH's own client agrees with the line written.
      const ssh = spawnSync('ssh', ['-i', server.clientKey, '-p', String(server.port), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', 'root@127.0.0.1', 'true'], { encoding: 'utf8' });
      expect(ssh.stderr).not.toMatch(/Host key verification failed/);
    });

    it('hashed known_hosts lines (ssh-keygen -H) and default ~/.ssh/known_hosts are understood', async () => {
      const sshDir = path.join(work, 'hashed-home', '.ssh');
      mkdirSync(sshDir, { recursive: true });
      const knownHosts = path.join(sshDir, 'known_hosts');
      writeFileSync(knownHosts, `# comment\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBHnHsrcjoc2rAXrEvYKzzMpqY77m5v8A2vES7glFgUr\n${readFileSync(server.knownHosts, 'utf8')}`);
      expect(spawnSync('ssh-keygen', ['-H', '-f', knownHosts]).status).toBe(0);
      expect(readFileSync(knownHosts, 'utf8')).toMatch(/^\|1\|/m);
      expect(readFileSync(knownHosts, 'utf8')).not.toContain('127.0.0.1');
      await open({ HOME: path.dirname(sshDir), LOCKSTEP_SFTP_KNOWN_HOSTS: undefined }).list('keys');
    });

    it('a changed host key is refused as a possible attack, even with LOCKSTEP_SFTP_ACCEPT_HOST_KEY', async () => {
      const other = path.join(work, 'other-host-key');
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const knownHosts = path.join(work, 'kh-changed');
      writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
      for (const env of [{}, { LOCKSTEP_SFTP_ACCEPT_HOST_KEY: fingerprint() }]) {
        const err = await open({ LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts, ...env }).list('keys').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(HostKeyChangedError);
        expect((err as Error).message).toMatch(new RegExp(`^the host key of the SFTP server 127\\.0\\.0\\.1:${server.port} has changed \\(now ssh-ed25519 key ${fingerprint().replace(/[+/]/g, '\\$&')}\\), which may mean someone is intercepting the connection; not connecting`));
      }
      expect(readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
      // Only a key of another type is known (ssh-rsa, which the server lacks): asked for first, not offered: refused.
      const rsa = path.join(work, 'other-rsa-key');
      spawnSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsa]);
      writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${readFileSync(`${rsa}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
      await expect(open({ LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts }).list('keys')).rejects.toBeInstanceOf(HostKeyChangedError);
    });
  });

  describe('login', () => {
    it('a key the server does not know fails with one sentence naming the user, server and what was tried', async () => {
      const wrong = path.join(work, 'wrong_ed25519');
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong]);
      const err = (await open({ LOCKSTEP_SFTP_IDENTITY: wrong }).list('keys').catch((e: unknown) => e)) as Error;
      expect(err.message).toBe(`SFTP authentication as root on 127.0.0.1:${server.port} failed (tried: key file ${wrong})`);
      const none = (await open({ LOCKSTEP_SFTP_IDENTITY: undefined }).list('keys').catch((e: unknown) => e)) as Error;
      expect(none.message).toMatch(new RegExp(`^SFTP authentication as root on 127\\.0\\.0\\.1:${server.port} failed: no way to log in`));
    });

    it('several key files (":"-separated) are tried in turn; ~/.ssh/id_ed25519 is the default; the user defaults to $USER', async () => {
      const wrong = path.join(work, 'wrong2_ed25519');
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong]);
      await open({ LOCKSTEP_SFTP_IDENTITY: `${wrong}:${server.clientKey}` }).list('keys');
      const userHome = path.join(work, 'user-home');
      mkdirSync(path.join(userHome, '.ssh'), { recursive: true });
      writeFileSync(path.join(userHome, '.ssh', 'id_ed25519'), readFileSync(server.clientKey), { mode: 0o600 });
      writeFileSync(path.join(userHome, '.ssh', 'known_hosts'), readFileSync(server.knownHosts));
      const noUser = `sftp://127.0.0.1:${server.port}/${server.repoPath}`;
      await open({ HOME: userHome, USER: 'root', LOCKSTEP_SFTP_IDENTITY: undefined, LOCKSTEP_SFTP_KNOWN_HOSTS: undefined }, noUser).list('keys');
    });

    it('logs in through ssh-agent (SSH_AUTH_SOCK) with no key file', async () => {
      const sock = path.join(work, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      children.push(agent);
      await waitFor('ssh-agent to listen', () => existsSync(sock), 10_000);
      const added = spawnSync('ssh-add', [server.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
      expect(added.status, added.stderr).toBe(0);
      const backend = open({ SSH_AUTH_SOCK: sock, LOCKSTEP_SFTP_IDENTITY: undefined });
      expect(await backend.list('locks')).toEqual([]);
    });
  });

  describe('a server that fails', () => {
    it('connection refused is one clear sentence', async () => {
      const port = await freePort();
      const err = (await open({}, `sftp://root@127.0.0.1:${port}//srv/repo`).stat({ type: 'config', name: '' }).catch((e: unknown) => e)) as Error;
      expect(err.message).toBe(`cannot reach the SFTP server 127.0.0.1:${port}: connection refused`);
    });

    it('a hung (SIGSTOPped) sshd: pending loads, saves and connects reject within ~100 ms of their signal aborting; close() does not wait', async () => {
      const backend = open();
      const name = id();
      await backend.save({ type: 'data', name }, randomBytes(1024 * 1024));
      server.pause();
      const reason = new Error('lock lost (test)');
      const pending = async (call: (signal: AbortSignal) => Promise<unknown>): Promise<number> => {
        const controller = new AbortController();
        const result = call(controller.signal).then(
          () => 'resolved',
          (err: unknown) => err,
        );
        await new Promise((r) => setTimeout(r, 300));
        const abortedAt = performance.now();
        controller.abort(reason);
        expect(await result).toBe(reason);
        return performance.now() - abortedAt;
      };
      const timings = [
        await pending((signal) => backend.load({ type: 'data', name }, {}, signal)),
        await pending((signal) => backend.save({ type: 'data', name: id() }, randomBytes(4 * 1024 * 1024), signal)),
        await pending((signal) => backend.list('data', signal)),
        await pending((signal) => open().stat({ type: 'config', name: '' }, signal)), // a new connection to the hung server
      ];
      for (const ms of timings) expect(ms).toBeLessThan(100);
      const closing = performance.now();
      await backend.close();
      expect(performance.now() - closing).toBeLessThan(1500);
      server.resume();
      await open().list('keys');
    });

    it('reconnects when the connection dropped between calls; a connection lost mid-call is one clear sentence', async () => {
      const backend = open();
      await backend.list('keys');
      await server.kill();
      await server.restart();
      expect(await backend.list('locks')).toEqual([]); // the old connection died with sshd: a new one is made

      const name = id();
      await backend.save({ type: 'data', name }, randomBytes(1024 * 1024));
      server.pause(); // the load below is in flight when sshd dies
      const load = backend.load({ type: 'data', name }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      await server.kill();
      const err = (await load) as Error;
      expect(err.message).toMatch(new RegExp(`^the SFTP connection to 127\\.0\\.0\\.1:${server.port} was lost: `));
      expect(err.message).not.toContain('\n');
      await server.restart();
      expect((await backend.load({ type: 'data', name })).length).toBe(1024 * 1024);
    });

    it('with a retry budget, a dropped connection mid-call is retried on a new connection', async () => {
      const backend = open({ LOCKSTEP_BACKEND_RETRY_MS: '20000' });
      const name = id();
      const data = randomBytes(2 * 1024 * 1024);
      await backend.save({ type: 'data', name }, data);
      server.pause();
      const load = backend.load({ type: 'data', name });
      await new Promise((r) => setTimeout(r, 200));
      await server.kill();
      await new Promise((r) => setTimeout(r, 600));
      await server.restart();
      expect((await load).equals(data)).toBe(true);
    });
  });

  const e2e = peerAvailable('restic-0.18') || process.env.CI ? it : it.skip;
  e2e('the CLI: lockstep init, backup, snapshots, restore over sftp; restic 0.18 checks every byte and restores the same tree', async () => {
    const restic = requirePeer('restic-0.18');
    const password = 'sftp password';
    const location = `sftp://root@127.0.0.1:${server.port}/${path.join(work, 'cli-repo')}`;
    const env = { ...server.lockstepEnv, HOME: home };
    const source = path.join(work, 'source');
    makeSourceTree(source);
    lockstepOk(['init'], { repo: location, password, env });
    lockstepOk(['backup', source], { repo: location, password, env });
    const listed = JSON.parse(lockstepOk(['snapshots', '--json'], { repo: location, password, env }).stdout) as { id: string }[];
    expect(listed).toHaveLength(1);
    const target = path.join(work, 'restored-lockstep');
    lockstepOk(['restore', 'latest', '--target', target], { repo: location, password, env });
    expectSameTree(path.join(target, source), source);
    expect(readdirSync(path.join(work, 'cli-repo', 'locks'))).toEqual([]);

    const resticRun = (args: string[]) => runRestic(restic, location, [...server.resticArgs, ...args], { password, env: server.resticEnv });
    resticRun(['check', '--read-data']);
    const resticTarget = path.join(work, 'restored-restic');
    resticRun(['restore', 'latest', '--target', resticTarget]);
    expectSameTree(path.join(resticTarget, source), source);
  }, 60_000);
});
