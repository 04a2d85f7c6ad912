// OpenSSH's sshd on 127.0.0.1 for the SFTP backend tests: key login as root, internal-sftp, everything (host key,
// client key, config, known_hosts, pid file) inside the test's work folder. sshd forks a process tree per
// connection, so pause/kill act on the whole tree, found through /proc.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { freePort, waitForPort } from './net';
import { RemoteServer, StartRemoteServer } from './remote-server';

export const SSHD = '/usr/sbin/sshd';

export function sshdAvailable(): boolean {
  return existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen') && existsSync('/usr/bin/ssh');
}

/** What the SFTP tests need beyond RemoteServer: the files the server was set up with. */
export interface SshdServer extends RemoteServer {
  port: number;
  /** The repository's absolute path on this machine (the server's file system). */
  repoPath: string;
  /** The client's private key (authorized for root). */
  clientKey: string;
  /** sshd's ed25519 host key (private; `.pub` beside it). */
  hostKey: string;
  /** A known_hosts file holding the host key as `[127.0.0.1]:PORT ssh-ed25519 …`. */
  knownHosts: string;
  /** The running listener's pid, undefined after kill()/stop(). */
  pid(): number | undefined;
}

function keygen(file: string, comment: string): void {
  if (existsSync(file)) return;
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen failed for ${file}: ${result.stderr}`);
}

/** Pids of every live descendant of `pid` (not `pid` itself), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') continue;
    const ppid = Number(fields[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Starts sshd serving `<work>/repo` (not created: `init` creates it) over SFTP. */
export const startSshd: StartRemoteServer = (work) => startSshdServer(work);

export async function startSshdServer(work: string): Promise<SshdServer> {
  if (!sshdAvailable()) throw new Error(`${SSHD} (openssh-server) is not installed`);
  const dir = path.join(work, 'sshd');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation folder sshd insists on
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  keygen(hostKey, 'lockstep-test-host');
  keygen(clientKey, 'lockstep-test-client');
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      `AuthorizedKeysFile ${authorized}`,
      'Subsystem sftp internal-sftp',
      'StrictModes no', // the work folder lives under /tmp (mode 1777), which StrictModes rejects
      'UseDNS no',
      'MaxStartups 100:30:200',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const [keyType, keyBase64] = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
  const repoPath = path.join(work, 'repo');

  const log: string[] = [];
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    started.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    child = started;
    await waitForPort(port, started, log);
  };
  /** The listener and every process it forked for a connection. */
  const tree = (): number[] => (child?.pid !== undefined && child.exitCode === null && child.signalCode === null ? [child.pid, ...descendants(child.pid)] : []);
  const killAll = async (): Promise<void> => {
    const listener = child;
    if (!listener?.pid || listener.exitCode !== null || listener.signalCode !== null) return;
    const exited = new Promise((resolve) => listener.once('exit', resolve));
    signal(listener.pid, 'SIGSTOP'); // no new forks while the tree is collected
    const pids = tree();
    for (const pid of pids) signal(pid, 'SIGKILL');
    await exited;
    const deadline = Date.now() + 5000;
    while (pids.some(alive)) {
      if (Date.now() > deadline) throw new Error(`sshd processes ${pids.filter(alive).join(', ')} survived SIGKILL`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child = undefined;
  };

  await launch();
  const sshCommand = `ssh -i ${clientKey} -p ${port} -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o BatchMode=yes -o IdentitiesOnly=yes root@127.0.0.1 -s sftp`;
  return {
    // Both restic 0.14 and 0.18 accept this URL form together with sftp.command (they parse it, then run the command).
    location: `sftp://root@127.0.0.1:${port}/${repoPath}`,
    lockstepEnv: { LOCKSTEP_SFTP_IDENTITY: clientKey, LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts },
    resticEnv: {},
    resticArgs: ['-o', `sftp.command=${sshCommand}`],
    port,
    repoPath,
    clientKey,
    hostKey,
    knownHosts,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    pause: () => {
      if (!child?.pid) return;
      signal(child.pid, 'SIGSTOP');
      for (const pid of tree()) signal(pid, 'SIGSTOP');
    },
    resume: () => {
      for (const pid of tree()) signal(pid, 'SIGCONT');
    },
    kill: killAll,
    restart: async () => {
      await killAll();
      await launch();
    },
    stop: killAll,
  };
}
