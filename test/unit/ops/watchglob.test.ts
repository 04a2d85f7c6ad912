// files.watcherExclude patterns as VS Code reads them: what the editor's watcher leaves out is walked by the backend.
import { describe, expect, it } from 'vitest';
import { UnwatchedPaths, watchGlobToRegExp } from '../../../server/src/ops/watchglob';

describe('VS Code glob patterns', () => {
  it.each([
    ['**/.git/objects/**', '.git/objects', true],
    ['**/.git/objects/**', 'a/.git/objects/ab/cd', true],
    ['**/.git/objects/**', '.git', false],
    ['**/node_modules/*/**', 'node_modules/x', true],
    ['**/node_modules/*/**', 'node_modules', false],
    ['**/node_modules/*/**', 'a/node_modules/x/y', true],
    ['**/*.{log,tmp}', 'a/b.log', true],
    ['**/*.{log,tmp}', 'b.tmp', true],
    ['**/*.{log,tmp}', 'b.txt', false],
    ['build/**', 'build', true],
    ['build/**', 'a/build', false],
    ['/abs/x/**', '/abs/x/y', true],
    ['a?c', 'abc', true],
    ['[!a]x', 'bx', true],
    ['[!a]x', 'ax', false],
  ])('%s matches %s: %s', (pattern, p, expected) => {
    expect(watchGlobToRegExp(pattern).test(p)).toBe(expected);
  });

  it('hides what lies outside the watched folders, and what a pattern matches inside them', () => {
    const unwatched = new UnwatchedPaths(['/ws', '/other'], ['**/cache/**', 'build/**']);
    expect(unwatched.hides('/elsewhere/file')).toBe(true);
    expect(unwatched.hides('/ws')).toBe(false);
    expect(unwatched.hides('/ws/src/file')).toBe(false);
    expect(unwatched.hides('/ws/src/cache')).toBe(true);
    expect(unwatched.hides('/ws/build/out')).toBe(true);
    expect(unwatched.hides('/ws/src/build/out')).toBe(false);
    expect(unwatched.hides('/wsx/file')).toBe(true);
  });
});
