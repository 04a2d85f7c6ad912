// The CLI as a restic user drives it: the status line on a terminal (a real pseudo-terminal from util-linux's
// `script`) and none elsewhere, the repository named by a file, RESTIC_HOST, -v, help for every flag, and npm start.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, GLOBAL_FLAGS } from '../../server/src/cli/commands';
import { flagHelp, helpText } from '../../server/src/cli/help';
import { CLI, lockstep, lockstepOk } from '../helpers/cli';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'cli-parity';
const CHEAP_KEY = { LOCKSTEP_KDF_N: '1024', LOCKSTEP_KDF_R: '8', LOCKSTEP_KDF_P: '1' };
const STATUS_LINE = /\[\d+:\d\d\] (\d+\.\d\d%  )?\d+ files/;

describe('lockstep CLI as a restic user drives it', () => {
  let work: string;
  let repo: string;
  let src: string;

  beforeAll(() => {
    work = makeTempDir('cli-parity');
    repo = path.join(work, 'repo');
    src = path.join(work, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'alpha\n');
    lockstepOk(['init'], { repo, password: PASSWORD });
  });

  /** The CLI on a pseudo-terminal: what the terminal received. */
  function onTerminal(args: string[]): string {
    const command = [process.execPath, CLI, ...args].map((w) => `'${w}'`).join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: PASSWORD, ...CHEAP_KEY },
      encoding: 'utf8',
    });
    expect(result.status, result.stdout).toBe(0);
    return result.stdout;
  }

  it('backup, restore, check --read-data and prune draw restic\'s status line on a terminal, clear it, and draw nothing when not a terminal or with --quiet', () => {
    const tty = onTerminal(['backup', src]);
    expect(tty).toMatch(STATUS_LINE);
    expect(tty).toContain('\x1b[J');
    expect(tty).toMatch(/snapshot [0-9a-f]{8} saved/);
    expect(onTerminal(['backup', '--quiet', src])).not.toMatch(STATUS_LINE);
    const piped = lockstepOk(['backup', src], { repo, password: PASSWORD });
    expect(piped.stdout + piped.stderr).not.toMatch(/\x1b|\[\d+:\d\d\]/);
    expect(onTerminal(['restore', 'latest', '--target', path.join(work, 'restored')])).toMatch(/\[\d+:\d\d\] \d+ files\/dirs/);
    expect(onTerminal(['check', '--read-data'])).toMatch(/\[\d+:\d\d\] \d+\.\d\d%  \d+ \/ \d+ packs/);
    writeFileSync(path.join(src, 'a.txt'), 'alpha, edited\n');
    lockstepOk(['backup', src], { repo, password: PASSWORD });
    lockstepOk(['forget', '--keep-last', '1'], { repo, password: PASSWORD });
    expect(onTerminal(['prune', '--max-unused', '0'])).toMatch(/\[\d+:\d\d\] \d+\.\d\d%  \d+ \/ \d+ packs/);
  });

  it('finds the repository in --repository-file or RESTIC_REPOSITORY_FILE, and refuses -r with --repository-file', () => {
    const file = path.join(work, 'repo-location');
    writeFileSync(file, `${repo}\n`);
    const env = { RESTIC_PASSWORD: PASSWORD };
    expect(lockstep(['--repository-file', file, 'snapshots'], { env }).stdout).toMatch(/\d+ snapshots/);
    expect(lockstep(['snapshots'], { env: { ...env, RESTIC_REPOSITORY_FILE: file } }).stdout).toMatch(/\d+ snapshots/);
    const both = lockstep(['-r', repo, '--repository-file', file, 'snapshots'], { env });
    expect([both.code, both.stderr]).toEqual([1, 'Fatal: Options -r and --repository-file are mutually exclusive, please specify only one\n']);
    const none = lockstep(['--repository-file', path.join(work, 'nothing'), 'snapshots'], { env });
    expect([none.code, none.stderr]).toEqual([1, `Fatal: ${path.join(work, 'nothing')} does not exist\n`]);
  });

  it('takes the backup\'s host from RESTIC_HOST, prints -v\'s and -vv\'s lines, and refuses -q with -v', () => {
    const verbose = lockstepOk(['backup', '-vv', src], { repo, password: PASSWORD, env: { RESTIC_HOST: 'from-env' } });
    expect(verbose.stdout).toContain(`start scan on [${src}]`);
    expect(verbose.stdout).toContain(`\nnew       ${src}/a.txt\n`);
    expect(verbose.stdout).toContain(`\nnew       ${src}/\n`);
    expect(lockstepOk(['backup', '-v', src], { repo, password: PASSWORD }).stdout).not.toMatch(/^(new|unchanged|modified) /m);
    expect(verbose.stdout).toMatch(/Data Blobs: +\d+ new/);
    const snaps = JSON.parse(lockstepOk(['snapshots', '--json', '--host', 'from-env'], { repo, password: PASSWORD }).stdout) as unknown[];
    expect(snaps).toHaveLength(1);
    const both = lockstep(['backup', '-q', '-v', src], { repo, password: PASSWORD });
    expect([both.code, both.stderr]).toEqual([1, 'Fatal: --quiet and --verbose cannot be specified at the same time\n']);
  });

  it('help COMMAND and COMMAND --help list every flag with its description; help lists every command', () => {
    const general = lockstepOk(['help']).stdout;
    for (const name of Object.keys(COMMANDS)) expect(general).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    // Through the CLI for two commands; the same text for every command, in process.
    expect(lockstepOk(['backup', '--help']).stdout).toBe(lockstepOk(['help', 'backup']).stdout);
    for (const [name, command] of Object.entries(COMMANDS)) {
      const help = helpText(COMMANDS, GLOBAL_FLAGS, name);
      for (const [flag, spec] of Object.entries({ ...command.flags, ...GLOBAL_FLAGS })) {
        const { description } = flagHelp(flag, spec);
        expect(description, `${name} --${flag}`).not.toBe('');
        expect(help, `${name} --${flag}`).toContain(`--${flag}`);
        expect(help).toContain(description);
      }
    }
    expect(lockstepOk(['help', 'forget']).stdout).toMatch(/--max-unused value +.*\(default: 5%\)/);
    const unknown = lockstep(['help', 'nope']);
    expect(unknown.code).toBe(1);
  });
});

describe('npm start (scripts/start.mjs)', () => {
  it('backs up the folder it was run from without Lockstep\'s rebuilt dist/, unchanged the second time, and says what to run next', () => {
    const work = makeTempDir('npm-start');
    // A copy of the package: its start script, and a dist/ holding the real bundles (linked) that each run "rebuilds".
    const pkg = path.join(work, 'pkg');
    mkdirSync(path.join(pkg, 'scripts'), { recursive: true });
    mkdirSync(path.join(pkg, 'dist'));
    copyFileSync(path.resolve(__dirname, '../../scripts/start.mjs'), path.join(pkg, 'scripts', 'start.mjs'));
    const dist = path.dirname(CLI);
    for (const name of readdirSync(dist)) symlinkSync(path.join(dist, name), path.join(pkg, 'dist', name));
    const project = path.join(pkg, 'project');
    mkdirSync(path.join(project, 'sub'), { recursive: true });
    writeFileSync(path.join(project, 'sub', 'notes.txt'), 'notes\n');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_DATA_HOME: path.join(work, 'data'), INIT_CWD: path.join(project, 'sub'), ...CHEAP_KEY };
    const run = () => {
      writeFileSync(path.join(pkg, 'dist', `rebuilt-${Date.now()}.js`), 'rebuilt\n');
      const r = spawnSync(process.execPath, [path.join(pkg, 'scripts', 'start.mjs')], { cwd: pkg, env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    run();
    const second = run();
    expect(second).toMatch(/Files: +0 new, +0 changed, +1 unmodified/);
    const repo = path.join(work, 'data', 'lockstep', 'repo');
    const passwordFile = path.join(work, 'data', 'lockstep', 'password');
    const next = `npx lockstep -r ${repo} --password-file ${passwordFile} snapshots`;
    expect(second).toContain(next);
    // What it says to type works: the snapshots are of the subfolder it was run from.
    const listed = lockstepOk(['-r', repo, '--password-file', passwordFile, 'snapshots', '--json']);
    expect((JSON.parse(listed.stdout) as { paths: string[] }[]).map((s) => s.paths)).toEqual([[path.join(project, 'sub')], [path.join(project, 'sub')]]);
  });
});
