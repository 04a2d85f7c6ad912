import { describe, expect, it } from 'vitest';
import { ExcludeMatcher } from '../../../server/src/ops/exclude';

describe('exclude patterns (restic style)', () => {
  const m = (patterns: string[], path: string): boolean => new ExcludeMatcher(patterns).excludes(path);

  it('a bare name matches at any depth, and covers what is inside', () => {
    expect(m(['node_modules'], '/w/app/node_modules')).toBe(true);
    expect(m(['node_modules'], '/w/app/node_modules/x/y.js')).toBe(true);
    expect(m(['node_modules'], '/w/app/node_modules2')).toBe(false);
  });

  it('globs work within one component', () => {
    expect(m(['*.log'], '/var/app/today.log')).toBe(true);
    expect(m(['*.log'], '/var/app/today.log.gz')).toBe(false);
    expect(m(['cache?'], '/a/cache1')).toBe(true);
    expect(m(['[ab].txt'], '/x/b.txt')).toBe(true);
    expect(m(['[ab].txt'], '/x/c.txt')).toBe(false);
  });

  it('absolute patterns anchor at the root; ** spans folders', () => {
    expect(m(['/home/*/tmp'], '/home/ann/tmp/file')).toBe(true);
    expect(m(['/home/*/tmp'], '/srv/home/ann/tmp')).toBe(false);
    expect(m(['/data/**/*.bak'], '/data/a/b/c/x.bak')).toBe(true);
    expect(m(['/data/**/*.bak'], '/other/a/x.bak')).toBe(false);
  });

  it('no patterns exclude nothing', () => {
    expect(new ExcludeMatcher([]).excludes('/anything')).toBe(false);
    expect(new ExcludeMatcher(['', '  ']).isEmpty).toBe(true);
  });
});
