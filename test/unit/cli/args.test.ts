// restic's flag syntax as the CLI reads it: the parser itself over every flag of every command, and the bundled
// CLI run as a user runs it for the spellings that decide which repository a command touches.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagBool, flagCount, flagList, flagString, parseArgs, splitCommand } from '../../../server/src/cli/args';
import { COMMANDS, GLOBAL_FLAGS } from '../../../server/src/cli/commands';
import { lockstep, lockstepOk } from '../../helpers/cli';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

afterAll(cleanupTempDirs);

/** The command word and the parsed flags, as the CLI's main() finds them. */
function parse(argv: string[]) {
  const { command, rest } = splitCommand(argv, GLOBAL_FLAGS);
  const spec = command ? COMMANDS[command] : undefined;
  if (!spec) throw new Error(`no command in ${argv.join(' ')}`);
  return { command, args: parseArgs(rest, { ...GLOBAL_FLAGS, ...spec.flags }) };
}

describe('CLI flags', () => {
  it.each([
    [['-r/srv/repo', 'snapshots']],
    [['-r', '/srv/repo', 'snapshots']],
    [['-r=/srv/repo', 'snapshots']],
    [['--repo=/srv/repo', 'snapshots']],
    [['--repo', '/srv/repo', 'snapshots']],
    [['snapshots', '-r/srv/repo']],
    [['-qr', '/srv/repo', 'snapshots']],
    [['-qr/srv/repo', 'snapshots']],
  ])('%j names the repository and the command', (argv) => {
    const { command, args } = parse(argv);
    expect(command).toBe('snapshots');
    expect(flagString(args, 'repo')).toBe('/srv/repo');
    expect(args.positionals).toEqual([]);
  });

  it('reads a group of short switches, and a value-taking flag at its end', () => {
    const { args } = parse(['prune', '-qvn']);
    expect([flagBool(args, 'quiet'), flagCount(args, 'verbose'), flagBool(args, 'dry-run')]).toEqual([true, 1, true]);
    const backup = parse(['backup', '-fe*.log', '-qH', 'laptop', 'src']).args;
    expect(flagBool(backup, 'force')).toBe(true);
    expect(flagList(backup, 'exclude')).toEqual(['*.log']);
    expect(flagString(backup, 'host')).toBe('laptop');
    expect(backup.positionals).toEqual(['src']);
  });

  it('counts -v as restic does: -vv is 2, --verbose=2 is 2, -v -v is 2', () => {
    for (const argv of [['backup', '-vv'], ['backup', '--verbose=2'], ['backup', '-v', '--verbose'], ['-v', 'backup', '-v']]) {
      expect(flagCount(parse(argv).args, 'verbose'), argv.join(' ')).toBe(2);
    }
    expect(() => parse(['backup', '--verbose=x'])).toThrow('flag --verbose is a number, not "x"');
  });

  it('takes --flag=value and --flag value for every value flag of every command', () => {
    let checked = 0;
    for (const [name, command] of Object.entries(COMMANDS)) {
      const specs = { ...GLOBAL_FLAGS, ...command.flags };
      for (const [flag, spec] of Object.entries(specs)) {
        if (spec.kind === 'bool' || spec.kind === 'count') continue;
        const want = spec.kind === 'list' ? ['-v=1'] : '-v=1';
        expect(parseArgs([`--${flag}=-v=1`], specs).flags.get(flag), `${name} --${flag}=`).toEqual(want);
        expect(parseArgs([`--${flag}`, '-v=1'], specs).flags.get(flag), `${name} --${flag} VALUE`).toEqual(want);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('a list flag given again adds to the list; a switch takes =true or =false', () => {
    const { args } = parse(['forget', '--tag', 'a', '--tag=b', '--keep-last', '-1', '--prune=false', '--json=true']);
    expect(flagList(args, 'tag')).toEqual(['a', 'b']);
    expect(flagString(args, 'keep-last')).toBe('-1');
    expect(flagBool(args, 'prune')).toBe(false);
    expect(flagBool(args, 'json')).toBe(true);
  });

  it('-- ends the flags, and flags stand anywhere among the positionals before it', () => {
    const { args } = parse(['backup', 'a', '-q', 'b', '--', '-v', '--repo', '-']);
    expect(flagBool(args, 'quiet')).toBe(true);
    expect(flagBool(args, 'verbose')).toBe(false);
    expect(args.positionals).toEqual(['a', 'b', '-v', '--repo', '-']);
  });

  it.each([
    [['snapshots', '--nope'], 'unknown flag: --nope'],
    [['snapshots', '--nope=1'], 'unknown flag: --nope'],
    [['snapshots', '-Z'], 'unknown flag: -Z'],
    [['snapshots', '-qZ'], 'unknown flag: -Z (in -qZ)'],
    [['snapshots', '--repo'], 'flag --repo needs a value'],
    [['snapshots', '-qr'], 'flag --repo needs a value'],
    [['snapshots', '--json=maybe'], 'flag --json is true or false, not "maybe"'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
  });

  it('the CLI finds the repository however -r is written, and refuses an unknown flag in one line with exit 1', () => {
    const work = makeTempDir('args');
    const repo = path.join(work, 'repo');
    const passwordFile = path.join(work, 'pw');
    writeFileSync(passwordFile, 'args-pw\n');
    lockstepOk([`-r${repo}`, `--password-file=${passwordFile}`, 'init']);
    for (const spelling of [[`-qr${repo}`], [`-r=${repo}`], ['-qr', repo]]) {
      const out = lockstepOk([...spelling, '-p', passwordFile, 'snapshots', '--json']);
      expect(JSON.parse(out.stdout), spelling.join(' ')).toEqual([]);
    }
    const bad = lockstep(['-r', repo, '-p', passwordFile, 'snapshots', '--nope']);
    expect(bad.stderr).toBe('unknown flag: --nope\n');
    expect(bad.code).toBe(1);
  });
});
